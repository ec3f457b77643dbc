import { type Logger, pino } from 'pino';
import { createSecretScrubber } from './secret-scrubber.ts';

export type { Logger } from 'pino';

/**
 * Field paths that carry credentials in our log objects or in request/response objects someone might log: the one
 * list of the server and the operator (which handles Secrets: `data`/`stringData` of a Secret, request headers).
 */
const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  '*.authorization',
  'token',
  '*.token',
  'authToken',
  '*.authToken',
  'password',
  '*.password',
  'pin',
  '*.pin',
  '"X-Plex-Token"',
  '*["X-Plex-Token"]',
  'headers["x-plex-token"]',
  'req.headers["x-plex-token"]',
  'config.plex.token',
  'config.server.authToken',
  'config.redis.password',
  'config.redis.url',
  'data',
  '*.data',
  'stringData',
  '*.stringData',
  'headers',
  '*.headers',
];

export interface LoggerOptions {
  level: string;
  /** Literal secret values to scrub from every string of every log line (tokens, passwords). */
  secrets: ReadonlyArray<string | undefined>;
  /** Where lines go; defaults to stderr (fd 2) so stdout stays free for the stdio MCP transport. */
  destination?: number | NodeJS.WritableStream;
  /** The `service` field of every line: plex-mcp-server (default) or plex-mcp-operator. */
  service?: string;
}

/**
 * JSON logs on stderr, for the server and the operator alike. Two layers keep secrets out: pino's `redact` for known field names, and a formatter that
 * scrubs secret values and token-looking query strings from every string (error messages, URLs, stacks).
 */
export function createLogger(options: LoggerOptions): Logger {
  const scrubber = createSecretScrubber(options.secrets);
  const destination =
    typeof options.destination === 'object'
      ? options.destination
      : pino.destination({ dest: options.destination ?? 2, sync: true });
  return pino(
    {
      level: options.level,
      base: { service: options.service ?? 'plex-mcp-server' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      // formatters.log runs before serializers, so errors are serialised there (keeping status, code, cause)
      // and the serializers only see plain objects.
      serializers: {
        err: (err: unknown) => (err instanceof Error ? scrubber.scrubDeep(serializeError(err)) : err),
        error: (err: unknown) => (err instanceof Error ? scrubber.scrubDeep(serializeError(err)) : err),
      },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => {
          const out: Record<string, unknown> = {};
          for (const [key, value] of Object.entries(object)) {
            out[key] = value instanceof Error ? serializeError(value) : value;
          }
          return scrubber.scrubDeep(out);
        },
      },
      hooks: {
        // The message string is not part of `formatters.log`; scrub it here.
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubber.scrub(a) : a)) as typeof args;
          return method.apply(this, scrubbed);
        },
      },
    },
    destination as pino.DestinationStream,
  );
}

function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const out: Record<string, unknown> = { type: err.name, message: err.message, stack: err.stack };
  // `reason`: a Kubernetes API error's (the operator's KubeApiError), which never carries request bodies.
  const extra = err as Error & {
    status?: unknown;
    code?: unknown;
    retryable?: unknown;
    endpoint?: unknown;
    reason?: unknown;
  };
  for (const key of ['status', 'code', 'retryable', 'endpoint', 'reason'] as const) {
    if (extra[key] !== undefined) out[key] = extra[key];
  }
  if (err.cause !== undefined) out.cause = serializeError(err.cause);
  return out;
}

/** A logger that drops everything, for unit tests and in-process callers that pass none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
