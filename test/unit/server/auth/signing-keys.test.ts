/**
 * The key-set cache behind JWT validation, against a real HTTP endpoint serving a JWKS: one fetch for many
 * concurrent first uses, refetch on an unknown kid at most once per cooldown, the old set kept when a refresh fails
 * after the maximum age (issuer down), and a clear SigningKeysUnavailable when no key was ever fetched.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteSigningKeys, SigningKeysUnavailable } from '../../../../server/auth/signing-keys.ts';
import { silentLogger } from '../../../../server/observability/logger.ts';

let server: Server;
let url: string;
let keys: JWK[] = [];
let up = true;
let fetches = 0;

async function newKey(kid: string) {
  const { publicKey } = await generateKeyPair('ES256');
  return { jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } };
}

beforeAll(async () => {
  server = createServer((_req, res) => {
    fetches++;
    if (!up) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function keySet(now: () => number) {
  return remoteSigningKeys({
    jwksUrl: async () => url,
    cooldownMs: 30_000,
    maxAgeMs: 600_000,
    timeoutMs: 2_000,
    logger: silentLogger(),
    now,
  });
}

const header = (kid: string) => ({ alg: 'ES256', kid });
/** jose passes the flattened token along with the header; key selection looks at the header only. */
const jws = { payload: '', signature: '' };

describe('remoteSigningKeys', () => {
  it('fetches once for concurrent first uses, and refetches an unknown kid only after the cooldown', async () => {
    const a = await newKey('a');
    const b = await newKey('b');
    keys = [a.jwk];
    up = true;
    fetches = 0;
    let clock = 1_000_000;
    const set = keySet(() => clock);
    await Promise.all(Array.from({ length: 20 }, () => set.getKey(header('a'), jws)));
    expect(fetches).toBe(1);

    keys = [a.jwk, b.jwk]; // rotation: b appears
    // Within the cooldown an unknown kid is refused without a fetch.
    await expect(set.getKey(header('b'), jws)).rejects.toThrow(/no applicable key/i);
    expect(fetches).toBe(1);
    clock += 30_001;
    await expect(set.getKey(header('b'), jws)).resolves.toBeDefined();
    expect(fetches).toBe(2);
    // Many unknown kids in the next cooldown: no more fetches.
    for (let i = 0; i < 25; i++) await expect(set.getKey(header(`x${i}`), jws)).rejects.toThrow();
    expect(fetches).toBe(2);
    expect(set.fetches()).toBe(2);
  });

  it('keeps the cached keys when a refresh past the maximum age fails (issuer down)', async () => {
    const a = await newKey('a');
    keys = [a.jwk];
    up = true;
    fetches = 0;
    let clock = 5_000_000;
    const set = keySet(() => clock);
    await set.getKey(header('a'), jws);
    up = false;
    clock += 3_600_000; // an hour later, far past the 10 min maximum age
    await expect(set.getKey(header('a'), jws)).resolves.toBeDefined();
    expect(fetches).toBe(2); // it tried, failed, and used the old set
    await expect(set.getKey(header('zzz'), jws)).rejects.toThrow(); // within the cooldown of that failure
    expect(fetches).toBe(2);
  });

  it('without any key fetched yet, an unreachable issuer is a SigningKeysUnavailable, retried only after the cooldown', async () => {
    up = false;
    fetches = 0;
    let clock = 9_000_000;
    const set = keySet(() => clock);
    const a = await newKey('a');
    await expect(set.getKey(header('a'), jws)).rejects.toBeInstanceOf(SigningKeysUnavailable);
    await expect(set.getKey(header('a'), jws)).rejects.toThrow(/could not be fetched recently/);
    expect(fetches).toBe(1);
    up = true;
    keys = [a.jwk];
    clock += 30_001;
    await expect(set.getKey(header('a'), jws)).resolves.toBeDefined();
    expect(fetches).toBe(2);
  });
});
