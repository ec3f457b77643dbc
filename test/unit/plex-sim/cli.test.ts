// The CLI (`npm run plex-sim`): starts on the given port, serves the given token, stops cleanly on SIGTERM,
// and rejects bad arguments with a non-zero exit and one line per problem.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../plex-sim/main.ts', import.meta.url));
const TOKEN = 'cli-test-token-0123456789';
let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

function collect(stream: NodeJS.ReadableStream | null): () => string {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    text += chunk;
  });
  return () => text;
}

async function waitFor(read: () => string, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output so far:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('plex-sim CLI', () => {
  it('serves the library on the printed URL, hides the token, and exits 0 on SIGTERM', async () => {
    child = spawn(
      process.execPath,
      [MAIN, '--port', '0', '--token', TOKEN, '--items', '5000', '--seed', '3'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const stdout = collect(child.stdout);
    const [, url] = await waitFor(stdout, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const response = await fetch(`${url}/library/sections/1/all?X-Plex-Container-Size=0`, {
      headers: { Accept: 'application/json', 'X-Plex-Token': TOKEN },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { MediaContainer: { totalSize: number } };
    expect(body.MediaContainer.totalSize).toBe(2000);
    expect(stdout()).not.toContain(TOKEN);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('exits non-zero with a message naming the bad argument', async () => {
    child = spawn(process.execPath, [MAIN, '--port', 'abc'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr = collect(child.stderr);
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr()).toContain('--port');
    expect(stderr()).toContain('--token');
  });
});
