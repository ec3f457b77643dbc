/**
 * `npm run bench:freshness`: how fresh the answers are, with Plex's event stream on and off, in one run.
 *
 * Freshness (server and simulator in this process, a real SDK client over HTTP, 2026-07-28):
 * - a Plex-side change (a player paused or resumed on the simulator, a movie added to the library) happens right
 *   after the tool's answer was cached; we measure the time until the tool answers right (get_playback_status /
 *   get_recently_added, polled every 5 ms) and until a `subscriptions/listen` stream carries the resource
 *   notification (plex://sessions / plex://libraries). Median and p99 per case.
 * - Stream off, the answers are right only when the cache entry expires, so the off run uses short TTLs
 *   (OFF_TTL_SECONDS, said in the output) to finish in seconds; the default TTLs (30 s sessions, 120 s recently
 *   added) scale those figures up. No notification ever comes for a Plex-side change with the stream off.
 *
 * Idle cost (server processes beside one simulator process, both with defaults, 10 s simulator heartbeats): CPU
 * seconds and RSS of a server following the stream vs one with PLEX_EVENTS=false, over the same idle minute.
 *
 * The machine may be shared with other work: read the figures as this run's, ratios within the run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createServerDeps } from '../../server/app.ts';
import { loadConfig } from '../../server/config/config.ts';
import { startHttpServer } from '../../server/http-server.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { startPlexSimulator } from '../plex-sim/simulator.ts';
import { processCpuSeconds, processMemory } from './proc-memory.ts';
import { authToken, log, plexToken, shutdownAll, startMcpServer, startSimulator } from './server-harness.ts';

const ITERATIONS_ON = Number(process.env.FRESHNESS_ITERATIONS ?? 30);
const ITERATIONS_OFF = Number(process.env.FRESHNESS_ITERATIONS_OFF ?? 6);
const OFF_TTL_SECONDS = 2;
const IDLE_SECONDS = Number(process.env.FRESHNESS_IDLE_SECONDS ?? 60);
const MAIN_TS = new URL('../../server/main.ts', import.meta.url).pathname;

interface Sample {
  answerMs: number;
  notifyMs: number | undefined;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

const fmt = (ms: number) =>
  Number.isNaN(ms) ? '—' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;

async function freshnessRun(events: boolean): Promise<Record<string, Sample[]>> {
  const sim = await startPlexSimulator({ port: 0, token: plexToken });
  const loaded = loadConfig(
    {
      PLEX_SERVER_URL: sim.url,
      PLEX_TOKEN: plexToken,
      AUTH_TOKEN: authToken,
      SERVER_PORT: '0',
      LOG_LEVEL: 'silent',
      PLEX_EVENTS: String(events),
      ...(events
        ? {}
        : { CACHE_TTL_SESSIONS: String(OFF_TTL_SECONDS), CACHE_TTL_RECENTLY_ADDED: String(OFF_TTL_SECONDS) }),
    },
    'http',
  );
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const deps = await createServerDeps(loaded.config, {
    logger: createLogger({ level: 'silent', secrets: [] }),
  });
  const server = await startHttpServer(loaded.config, deps);
  if (events && !(await deps.live?.whenConnected(10_000))) throw new Error('event stream did not connect');
  const client = new Client(
    { name: 'bench-freshness', version: '1.0.0' },
    { versionNegotiation: { mode: 'auto' } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { Authorization: `Bearer ${authToken}` } },
    }),
  );
  const notices: { uri: string; at: number }[] = [];
  client.setNotificationHandler('notifications/resources/updated', (n) => {
    notices.push({ uri: n.params.uri, at: performance.now() });
  });
  const subscription = await client.listen({
    resourceSubscriptions: ['plex://sessions', 'plex://libraries'],
  });
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })).structuredContent as Record<string, unknown>;

  const [session] = sim.sessions();
  if (!session) throw new Error('no session');
  const stateOf = async () =>
    ((await call('get_playback_status')).sessions as { session_id: string; state: string }[]).find(
      (s) => s.session_id === session.sessionId,
    )?.state;
  const newest = async () =>
    ((await call('get_recently_added', { limit: 3 })).items as { id: string }[]).map((i) => i.id);

  const timeout = events ? 5_000 : (OFF_TTL_SECONDS + 3) * 1000;
  const measure = async (uri: string, change: () => void, right: () => Promise<boolean>): Promise<Sample> => {
    const started = performance.now();
    change();
    let answerMs = Number.NaN;
    while (performance.now() - started < timeout) {
      if (await right()) {
        answerMs = performance.now() - started;
        break;
      }
      await sleep(5);
    }
    // Give a notification that has not come by the time the answer is right a moment more (stream on only).
    if (events) await sleep(50);
    const notice = notices.find((n) => n.uri === uri && n.at >= started);
    return { answerMs, notifyMs: notice ? notice.at - started : undefined };
  };

  const cases: Record<string, Sample[]> = {
    'pause/resume → get_playback_status': [],
    'item added → get_recently_added': [],
  };
  const iterations = events ? ITERATIONS_ON : ITERATIONS_OFF;
  for (let i = 0; i < iterations; i++) {
    const want = i % 2 === 0 ? 'paused' : 'playing';
    await stateOf(); // the answer is cached (stream off) right before the change
    cases['pause/resume → get_playback_status']?.push(
      await measure(
        'plex://sessions',
        () => {
          void fetch(`${sim.url}/player/playback/${want === 'paused' ? 'pause' : 'play'}`, {
            headers: {
              'X-Plex-Token': plexToken,
              'X-Plex-Target-Client-Identifier': session.player.machineIdentifier,
            },
          });
        },
        async () => (await stateOf()) === want,
      ),
    );
    await newest();
    let added = '';
    cases['item added → get_recently_added']?.push(
      await measure(
        'plex://libraries',
        () => {
          added = sim.addItem().ratingKey;
        },
        async () => (await newest())[0] === added,
      ),
    );
  }
  await subscription.close();
  await client.close();
  await server.close({ graceMs: 500 });
  await deps.close();
  await sim.close();
  return cases;
}

async function idleCost(): Promise<void> {
  const sim = await startSimulator(200);
  const on = await startMcpServer(MAIN_TS, sim.url, { PLEX_EVENTS: 'true' });
  const off = await startMcpServer(MAIN_TS, sim.url, { PLEX_EVENTS: 'false' });
  await sleep(5_000);
  const pids = { on: on.child.pid as number, off: off.child.pid as number };
  const cpu0 = { on: processCpuSeconds(pids.on), off: processCpuSeconds(pids.off) };
  await sleep(IDLE_SECONDS * 1000);
  const cpu = { on: processCpuSeconds(pids.on) - cpu0.on, off: processCpuSeconds(pids.off) - cpu0.off };
  const rss = { on: processMemory(pids.on), off: processMemory(pids.off) };
  log(`\nIdle cost over ${IDLE_SECONDS} s (separate processes, simulator heartbeat every 10 s):`);
  log(
    `  CPU      stream on ${(cpu.on * 1000).toFixed(0)} ms, off ${(cpu.off * 1000).toFixed(0)} ms (+${((cpu.on - cpu.off) * 1000).toFixed(0)} ms, ${((100 * (cpu.on - cpu.off)) / IDLE_SECONDS).toFixed(3)} % of a core)`,
  );
  log(
    `  RSS      stream on ${rss.on.rssMiB.toFixed(1)} MiB, off ${rss.off.rssMiB.toFixed(1)} MiB (+${(rss.on.rssMiB - rss.off.rssMiB).toFixed(1)} MiB)`,
  );
  log(
    `  RSS anon stream on ${rss.on.rssAnonMiB.toFixed(1)} MiB, off ${rss.off.rssAnonMiB.toFixed(1)} MiB (+${(rss.on.rssAnonMiB - rss.off.rssAnonMiB).toFixed(1)} MiB)`,
  );
}

function report(
  title: string,
  cases: Record<string, Sample[]>,
): Record<string, { answer: number[]; notify: number[] }> {
  log(`\n${title}`);
  const out: Record<string, { answer: number[]; notify: number[] }> = {};
  for (const [name, samples] of Object.entries(cases)) {
    const answer = samples.map((s) => s.answerMs).filter((v) => !Number.isNaN(v));
    const notify = samples.map((s) => s.notifyMs).filter((v): v is number => v !== undefined);
    out[name] = { answer, notify };
    log(
      `  ${name.padEnd(40)} answer right: median ${fmt(quantile(answer, 0.5))}, p99 ${fmt(quantile(answer, 0.99))} (${answer.length}/${samples.length} right in time)` +
        `; notification: ${notify.length === 0 ? 'none' : `median ${fmt(quantile(notify, 0.5))}, p99 ${fmt(quantile(notify, 0.99))} (${notify.length}/${samples.length})`}`,
    );
  }
  return out;
}

async function main(): Promise<void> {
  log(`bench:freshness (Node ${process.versions.node}; the machine may be shared: figures are this run's)`);
  const on = report(
    `Stream on (PLEX_EVENTS=true, default TTLs), ${ITERATIONS_ON} changes per case:`,
    await freshnessRun(true),
  );
  const off = report(
    `Stream off (PLEX_EVENTS=false, TTLs shortened to ${OFF_TTL_SECONDS} s to finish), ${ITERATIONS_OFF} changes per case:`,
    await freshnessRun(false),
  );
  log('\nRatios (off / on, medians of the answer times):');
  for (const name of Object.keys(on)) {
    const a = quantile(on[name]?.answer ?? [], 0.5);
    const b = quantile(off[name]?.answer ?? [], 0.5);
    log(
      `  ${name.padEnd(40)} ${(b / a).toFixed(0)}x at ${OFF_TTL_SECONDS} s TTL; with the default TTL the off answer waits up to the TTL (30 s sessions, 120 s recently added)`,
    );
  }
  await idleCost();
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench:freshness failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => shutdownAll());
