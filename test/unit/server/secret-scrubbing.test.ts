import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../server/observability/logger.ts';
import { createSecretScrubber } from '../../../server/observability/secret-scrubber.ts';

const PLEX = 'plexTokenValue123456';
const AUTH = 'authTokenValue-abcdefghijklmnopqrstuvwxyz';

function capture(): { stream: Writable; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, lines: () => text.split('\n').filter((l) => l !== '') };
}

describe('secret scrubber', () => {
  const scrubber = createSecretScrubber([PLEX, AUTH, undefined, 'ab']);

  it('replaces literal secrets, token query strings, bearer values and URL passwords', () => {
    expect(scrubber.scrub(`failed ${PLEX} and ${AUTH}`)).toBe('failed [REDACTED] and [REDACTED]');
    expect(scrubber.scrub('GET /library?X-Plex-Token=zzz&limit=1')).toBe(
      'GET /library?X-Plex-Token=[REDACTED]&limit=1',
    );
    expect(scrubber.scrub('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [REDACTED]');
    expect(scrubber.scrub('redis://user:hunter2@redis:6379')).toBe('redis://user:[REDACTED]@redis:6379');
  });

  it('ignores very short "secrets" that would shred ordinary text', () => {
    expect(scrubber.scrub('abacus')).toBe('abacus');
  });

  it('walks objects, arrays and errors', () => {
    const out = scrubber.scrubDeep({ a: [PLEX], b: { c: new Error(`boom ${AUTH}`) } });
    expect(JSON.stringify(out)).not.toContain(PLEX);
    expect(JSON.stringify(out)).not.toContain(AUTH);
  });
});

describe('logger', () => {
  it('never writes a secret, whatever the caller logs', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ level: 'trace', secrets: [PLEX, AUTH], destination: stream });
    logger.info({ headers: { authorization: `Bearer ${AUTH}`, 'x-plex-token': PLEX } }, 'request');
    logger.warn(
      { err: new Error(`upstream said ${PLEX}`), url: `http://plex/?X-Plex-Token=${PLEX}` },
      'failed',
    );
    logger.error(`message with ${AUTH} inside`);
    logger.debug({ nested: { deeper: { token: 'whatever', list: [AUTH] } } }, 'deep');
    logger.trace({ password: 'p4ss', config: { plex: { token: PLEX } } }, 'config');
    const out = lines();
    expect(out).toHaveLength(5);
    for (const line of out) {
      expect(line).not.toContain(PLEX);
      expect(line).not.toContain(AUTH);
      expect(line).not.toContain('p4ss');
      expect(() => JSON.parse(line)).not.toThrow();
    }
    expect(out[1]).toContain('upstream said [REDACTED]');
  });
});
