import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../server/observability/logger.ts';
import { createSecretScrubber } from '../../../../server/observability/secret-scrubber.ts';

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
    // A Plex Home PIN travels in plex.tv's switch URL.
    expect(scrubber.scrub('POST /api/v2/home/users/u1/switch?pin=2468')).toBe(
      'POST /api/v2/home/users/u1/switch?pin=[REDACTED]',
    );
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
    // A tool call's arguments (debug 'tool call answered'): get_on_deck's Home PIN.
    logger.debug({ tool: 'get_on_deck', args: { user: 'Pat', pin: '8642' } }, 'tool call answered');
    const out = lines();
    expect(out).toHaveLength(6);
    for (const line of out) {
      expect(line).not.toContain(PLEX);
      expect(line).not.toContain(AUTH);
      expect(line).not.toContain('p4ss');
      expect(line).not.toContain('8642');
      expect(() => JSON.parse(line)).not.toThrow();
    }
    expect(out[1]).toContain('upstream said [REDACTED]');
  });
});

describe('one logger for the server and the operator', () => {
  it('redacts what the operator handles (Secret data, headers) by field name, as the operator', () => {
    const { stream, lines } = capture();
    const logger = createLogger({
      level: 'info',
      secrets: [],
      destination: stream,
      service: 'plex-mcp-operator',
    });
    logger.info({ secret: { data: { token: 'c2VjcmV0' }, stringData: { password: 'pw-1' } } }, 'applied');
    const err = Object.assign(new Error('conflict'), { status: 409, reason: 'Conflict' });
    logger.warn({ err }, 'apply failed');
    const [applied, failed] = lines().map((line) => JSON.parse(line));
    expect(applied.service).toBe('plex-mcp-operator');
    expect(applied.secret).toEqual({ data: '[REDACTED]', stringData: '[REDACTED]' });
    expect(failed.err).toMatchObject({ type: 'Error', message: 'conflict', status: 409, reason: 'Conflict' });
  });

  it('is the only pino factory: no other module of server/, operator/ or cdk8s/ builds a logger', () => {
    const root = path.resolve(import.meta.dirname, '../../../..');
    const builders = ['server', 'operator', 'cdk8s']
      .flatMap((dir) =>
        readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' }).map((f) =>
          path.join(dir, f),
        ),
      )
      .filter(
        (file) =>
          file.endsWith('.ts') && /\bpino(\.default)?\(/.test(readFileSync(path.join(root, file), 'utf8')),
      );
    expect(builders).toEqual(['server/observability/logger.ts']);
  });
});
