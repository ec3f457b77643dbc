import module from 'node:module';
import { createServerDeps, type ServerDeps, secretsOf } from './app.ts';
import { loadConfig } from './config/config.ts';
import { AUTH_MODES } from './config/env-schema.ts';
import { ENV } from './config/settings.ts';
import { warmUpFirstCall } from './first-call-warm-up.ts';
import { createLogger } from './observability/logger.ts';
import { probePlexAtStart } from './plex/startup-probe.ts';
import { runWhenIdle } from './startup/when-idle.ts';
import { startStdio } from './stdio.ts';
import { SERVER_NAME, SERVER_VERSION } from './version.ts';

const E = ENV;
/** How long a stdio message keeps the idle warm-up waiting, ms (a tool call's own work is mostly this short). */
const STDIO_BUSY_MS = 200;
/** The Plex work of a start runs by this long after its first look (runWhenIdle) even if the server is never idle, ms. */
const PLEX_WORK_MAX_WAIT_MS = 2_000;
const USAGE = `Usage: plex-mcp-server [--stdio]

Serves the Plex MCP tools over Streamable HTTP (POST /mcp, default) or stdio (--stdio).
Configuration comes from the environment: ${E.plexServerUrl}, ${E.plexToken}, ${E.authToken} (HTTP only), ${E.authMode}
(${AUTH_MODES.join(', ')}; with OAuth: ${E.mcpPublicUrl}, ${E.oauthIssuer}, OAUTH_*; with plex:
${E.mcpPublicUrl}, ${E.plexSignInKey}, ${E.plexAllowedUsers}), ${E.serverHost},
${E.serverPort}, ${E.plexTimeout}, ${E.plexMaxConnections}, ${E.redisUrl}, CACHE_*, ${E.logLevel} (see README).
`;

/**
 * Over stdio a message's end is not seen here: busy = a message came in less than STDIO_BUSY_MS ago. Heard with a
 * 'data' listener of our own, added only once the SDK's transport has its own: a listener puts stdin in flowing
 * mode, and data that flowed before the transport listened would be lost to it. Busy until then.
 */
function stdioBusy(): () => boolean {
  let listening = false;
  let lastInputAt = Number.NEGATIVE_INFINITY;
  return () => {
    if (!listening) {
      if (process.stdin.listenerCount('data') === 0) return true;
      listening = true;
      process.stdin.on('data', () => {
        lastInputAt = performance.now();
      });
    }
    return performance.now() - lastInputAt < STDIO_BUSY_MS;
  };
}

/**
 * What a start asks of Plex, the probe (startup-probe.ts) and connecting the event stream, once the transport is
 * ready and idle, not before it listens: neither changes what the first requests answer (tools/list), and both
 * cost CPU the start-up then did not have to wait for (issue #18: HTTP start-up -13 ms). Returns a cancel function.
 */
function startPlexWork(deps: ServerDeps, busy: () => boolean): () => void {
  return runWhenIdle(
    () => {
      deps.live?.start();
      void probePlexAtStart(deps.plex, deps.config.plex.url, deps.logger);
    },
    { busy, maxWaitMs: PLEX_WORK_MAX_WAIT_MS },
  );
}

/**
 * Writes the compile cache main.ts turned on once a start's warm-up is done, not only when the process exits: a
 * server that never exits cleanly (a client that kills it, a pod killed at the end of its grace period) still
 * starts from it the next time. In idle time, a few ms of file writes; nothing when the cache is off or read-only.
 */
function persistCompileCache(warmedUp: Promise<unknown>): void {
  void warmedUp.then(() => module.flushCompileCache?.());
}

async function main(argv: string[]): Promise<void> {
  const args = new Set(argv);
  // Asked-for output goes to stdout (so `--help | less` works); the process exits before any MCP traffic could.
  if (args.has('--help') || args.has('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  if (args.has('--version')) {
    process.stdout.write(`${SERVER_NAME} ${SERVER_VERSION}\n`);
    return;
  }
  const unknown = [...args].filter((a) => a !== '--stdio');
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument(s): ${unknown.join(' ')}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const transport = args.has('--stdio') ? 'stdio' : 'http';

  const loaded = loadConfig(process.env, transport);
  if (!loaded.ok) {
    // One line per problem, naming the variable; values are never printed (some are secrets).
    process.stderr.write(
      `plex-mcp-server: invalid configuration\n${loaded.problems.map((p) => `  ${p}\n`).join('')}`,
    );
    process.exitCode = 78; // EX_CONFIG
    return;
  }
  const config = loaded.config;
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const deps = await createServerDeps(config, { logger, startLive: false });
  logger.info(
    { transport, version: SERVER_VERSION, plexUrl: config.plex.url, cache: deps.cache.status().mode },
    'starting',
  );

  let shutdown: (signal: string) => Promise<void>;
  if (transport === 'stdio') {
    const handle = startStdio(deps);
    const busy = stdioBusy();
    const cancelPlexWork = startPlexWork(deps, busy);
    const warmUp = warmUpFirstCall(busy, deps, 'stdio');
    persistCompileCache(warmUp.finished);
    shutdown = async () => {
      cancelPlexWork();
      warmUp.stop();
      await handle.close();
      await deps.close();
    };
    // The client closing stdin ends the session; exit once the transport has wound down.
    process.stdin.once('end', () => void shutdown('stdin closed').finally(() => process.exit(0)));
  } else {
    // Imported only here: a stdio server never loads the HTTP transport (the SDK's node adapter, the auth gate).
    const { startHttpServer } = await import('./http-server.ts');
    const server = await startHttpServer(config, deps);
    const cancelPlexWork = startPlexWork(deps, server.busy);
    const warmUp = warmUpFirstCall(server.busy, deps, 'http');
    persistCompileCache(warmUp.finished);
    shutdown = async () => {
      cancelPlexWork();
      warmUp.stop();
      await server.close({ graceMs: 10_000 });
      await deps.close();
    };
  }

  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        logger.warn('shutdown took too long; exiting');
        process.exit(1);
      }, 15_000);
      force.unref();
      shutdown(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Startup failures before the logger exists: print only the message, never the environment.
  process.stderr.write(`plex-mcp-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
