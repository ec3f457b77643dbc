/**
 * Start-up as a user feels it: from spawning `node server/main.js` to the first answered `tools/list`, over stdio
 * (the desktop client's initialize, notifications/initialized, tools/list) and over HTTP (a 2026-07-28 stateless
 * tools/list POSTed every 5 ms until one is answered), then the wall time of the first tool call after start.
 * Each start also reports the CPU time the server had used when tools/list was answered: on a shared machine wall
 * time moves with everyone else's load, CPU time far less.
 *
 * The first call comes either at once after tools/list (the worst case: nothing idle in between) or after a gap
 * (`gapMs`, FIRST_CALL_GAP_MS by default in the benches): what a real client does, whose model takes seconds
 * between reading the tool list and calling a tool.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  INITIALIZED_NOTIFICATION,
  initializeRequest,
  toolsListRequest,
} from '../support/raw-mcp-messages.ts';
import { freeLoopbackPort } from '../support/redis-server.ts';
import { processCpuMs } from './proc-memory.ts';
import {
  authToken,
  mcpHeaders,
  PROTOCOL,
  plexToken,
  repo,
  rpc,
  type ToolCall,
  toolCallOk,
} from './server-harness.ts';

export interface StdioStartupRun {
  /** Spawn to the answered tools/list. */
  toolsListMs: number;
  /** CPU time the server had used by then. */
  cpuMs: number;
}

/**
 * The gap between the answered tools/list and the first tools/call in the benches' "after a gap" case, ms
 * (BENCH_FIRST_CALL_GAP_MS, default 1000; 0 skips that case).
 */
export const FIRST_CALL_GAP_MS = Number(process.env.BENCH_FIRST_CALL_GAP_MS ?? 1000);

export interface HttpStartupOptions {
  /** Extra environment for the server. */
  env?: Record<string, string>;
  /** Calls made one after another after the first (their median is `warmCallMs`). */
  warmCalls?: ToolCall[];
  /** Idle time between the answered tools/list and the first call, ms (0: at once). */
  gapMs?: number;
}

export interface StartupRun extends StdioStartupRun {
  /** Wall time of the first tools/call after that (HTTP only). */
  firstCallMs: number;
  /** Median wall time of the `warmCalls` made one after another after the first call (NaN without any). */
  warmCallMs: number;
}

const meta = {
  'io.modelcontextprotocol/protocolVersion': PROTOCOL,
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'plex-mcp-bench', version: '1.0.0' },
};

function serverEnv(plexUrl: string, nodeOptions: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    PLEX_SERVER_URL: plexUrl,
    PLEX_TOKEN: plexToken,
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** One stdio start: the time until the answer to tools/list, sent after initialize as clients do. */
export async function stdioStartup(
  entry: string,
  plexUrl: string,
  nodeOptions: string,
  env: Record<string, string> = {},
): Promise<StdioStartupRun> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [entry, '--stdio'], {
    cwd: repo,
    env: serverEnv(plexUrl, nodeOptions, env),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const send = (message: object) => child.stdin?.write(`${JSON.stringify(message)}\n`);
  try {
    return await new Promise<StdioStartupRun>((resolve, reject) => {
      let buffered = '';
      child.once('exit', (code) => reject(new Error(`stdio server exited with ${code} before tools/list`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const message = JSON.parse(buffered.slice(0, nl)) as {
            id?: number;
            result?: { tools?: unknown[] };
          };
          buffered = buffered.slice(nl + 1);
          if (message.id === 1) {
            send(INITIALIZED_NOTIFICATION);
            send(toolsListRequest(2));
          } else if (message.id === 2) {
            if (!message.result?.tools?.length) reject(new Error('stdio tools/list answered no tools'));
            const toolsListMs = performance.now() - t0;
            resolve({ toolsListMs, cpuMs: processCpuMs(child.pid as number) });
          }
        }
      });
      send(initializeRequest('plex-mcp-bench'));
    });
  } finally {
    await stop(child);
  }
}

/**
 * One HTTP start: time to the first answered tools/list, then (after `gapMs` idle) the wall time of `firstCall`,
 * then of each of `warmCalls` (the same client, so the first call's ratio to them is the server's cold cost alone).
 */
export async function httpStartup(
  entry: string,
  plexUrl: string,
  nodeOptions: string,
  firstCall: ToolCall,
  { env = {}, warmCalls = [], gapMs = 0 }: HttpStartupOptions = {},
): Promise<StartupRun> {
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}/mcp`;
  const list = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: meta } });
  const t0 = performance.now();
  const child = spawn(process.execPath, [entry], {
    cwd: repo,
    env: serverEnv(plexUrl, nodeOptions, {
      AUTH_TOKEN: authToken,
      SERVER_HOST: '127.0.0.1',
      SERVER_PORT: String(port),
      ...env,
    }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    let toolsListMs = Number.NaN;
    let cpuMs = Number.NaN;
    while (Number.isNaN(toolsListMs)) {
      if (child.exitCode !== null) throw new Error(`HTTP server exited with ${child.exitCode}`);
      if (performance.now() - t0 > 30_000) throw new Error('no tools/list answer within 30 s');
      const answered = await fetch(url, {
        method: 'POST',
        headers: { ...mcpHeaders, 'mcp-method': 'tools/list' },
        body: list,
      }).then(
        async (res) => res.ok && (await res.text()).includes('"tools"'),
        () => false,
      );
      if (answered) {
        toolsListMs = performance.now() - t0;
        cpuMs = processCpuMs(child.pid as number);
      } else await new Promise((r) => setTimeout(r, 5));
    }
    const timedCall = async (call: ToolCall, id: number): Promise<number> => {
      const { body, headers } = rpc(call, id);
      const c0 = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { ...mcpHeaders, ...headers }, body });
      const text = await res.text();
      const ms = performance.now() - c0;
      if (!toolCallOk(res.status, text)) throw new Error(`${call.name} failed: ${text.slice(0, 200)}`);
      return ms;
    };
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    const firstCallMs = await timedCall(firstCall, 2);
    const warmMs: number[] = [];
    for (const [i, call] of warmCalls.entries()) warmMs.push(await timedCall(call, 3 + i));
    return { toolsListMs, cpuMs, firstCallMs, warmCallMs: median(warmMs) };
  } finally {
    await stop(child);
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
