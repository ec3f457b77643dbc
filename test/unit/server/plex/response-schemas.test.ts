import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as schemas from '../../../../server/plex/response-schemas.ts';

describe('PLEX_RESPONSE_SCHEMAS (what the idle warm-up parses)', () => {
  it('holds every answer container the module exports', () => {
    const containers = Object.entries(schemas)
      .filter(([name, value]) => name.endsWith('Container') && value instanceof z.ZodType)
      .map(([, value]) => value);
    expect(containers.length).toBeGreaterThan(5);
    expect(new Set(schemas.PLEX_RESPONSE_SCHEMAS)).toEqual(new Set(containers));
  });
});

describe('looseArrayMember', () => {
  it("names a loose array's member schema, and nothing for other schemas", () => {
    const metadata = schemas.MetadataContainer.shape.MediaContainer.shape.Metadata;
    expect(schemas.looseArrayMember(metadata)).toBe(schemas.PlexMetadata);
    expect(schemas.looseArrayMember(schemas.PlexMetadata)).toBeUndefined();
    expect(schemas.looseArrayMember('not a schema')).toBeUndefined();
  });
});
