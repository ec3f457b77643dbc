/**
 * Starts the test identity provider (test/support/idp/main.ts) as a child process on loopback, for the server
 * suites and `npm run demo -- --oauth`. Signing keys are made here with jose so a test can hand the same keys to a
 * second provider (another issuer) or restart this one with new keys (rotation).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'oidc-provider';
import { freeLoopbackPorts } from '../../cluster/ports.ts';

const MAIN = path.join(import.meta.dirname, 'main.ts');

export async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' } as JWK;
}

export interface IdpStartOptions {
  resources: string[];
  redirectUris?: string[];
  keys?: JWK[];
  port?: number;
  registration?: boolean;
}

export interface IdpProcess {
  issuer: string;
  port: number;
  keys: JWK[];
  /** Key-set and token requests the provider has served since this process started. */
  stats(): Promise<{ jwksFetches: number; tokenRequests: number }>;
  stop(): Promise<void>;
  /** Stops and starts again on the same port (same issuer), with `keys` (default: the current ones). */
  restart(keys?: JWK[]): Promise<void>;
  stderr(): string;
}

async function launch(
  options: Required<Omit<IdpStartOptions, 'registration'>> & { registration: boolean; issuer: string },
) {
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      IDP_OPTIONS: JSON.stringify({
        issuer: options.issuer,
        port: options.port,
        resources: options.resources,
        redirectUris: options.redirectUris,
        keys: options.keys,
        registration: options.registration,
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`identity provider did not start: ${stderr}`)), 20_000);
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      if (out.includes('"ready":true')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`identity provider exited (${code}): ${stderr}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited, stderr: () => stderr };
}

export async function startIdp(options: IdpStartOptions): Promise<IdpProcess> {
  const port = options.port ?? (await freeLoopbackPorts(1))[0];
  if (port === undefined) throw new Error('no free port');
  const issuer = `http://127.0.0.1:${port}`;
  let keys = options.keys ?? [await newSigningKey()];
  const settings = {
    resources: options.resources,
    redirectUris: options.redirectUris ?? ['http://127.0.0.1:1/callback'],
    registration: options.registration ?? false,
    port,
    issuer,
  };
  let running: Awaited<ReturnType<typeof launch>> | undefined = await launch({ ...settings, keys });
  const stop = async () => {
    if (!running) return;
    const { child, exited } = running;
    running = undefined;
    child.kill('SIGTERM');
    await exited;
  };
  return {
    issuer,
    port,
    get keys() {
      return keys;
    },
    async stats() {
      const response = await fetch(`${issuer}/__idp/stats`);
      return (await response.json()) as { jwksFetches: number; tokenRequests: number };
    },
    stop,
    async restart(newKeys) {
      await stop();
      keys = newKeys ?? keys;
      running = await launch({ ...settings, keys });
    },
    stderr: () => running?.stderr() ?? '',
  };
}
