// JSON logs on stderr. The operator handles Secrets (the Plex token, the generated auth token, Redis passwords):
// their values must never reach a log line, so any field that could hold one is redacted by name, and errors are
// reduced to message/status/reason (a KubeApiError never carries request bodies).
import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

const REDACT_PATHS = [
  'data',
  '*.data',
  'stringData',
  '*.stringData',
  'token',
  '*.token',
  'authToken',
  '*.authToken',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers',
  '*.headers',
];

export function createOperatorLogger(level: string, destination: number | NodeJS.WritableStream = 2): Logger {
  const stream =
    typeof destination === 'number' ? pino.destination({ dest: destination, sync: true }) : destination;
  return pino(
    {
      level,
      base: { service: 'plex-mcp-operator' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      serializers: { err: serializeError, error: serializeError },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => {
          const out: Record<string, unknown> = {};
          for (const [key, value] of Object.entries(object))
            out[key] = value instanceof Error ? errorFields(value) : value;
          return out;
        },
      },
    },
    stream as pino.DestinationStream,
  );
}

function serializeError(value: unknown): unknown {
  return value instanceof Error ? errorFields(value) : value;
}

function errorFields(error: Error): Record<string, unknown> {
  const { status, reason } = error as { status?: unknown; reason?: unknown };
  return {
    type: error.name,
    message: error.message,
    ...(status !== undefined ? { status } : {}),
    ...(reason ? { reason } : {}),
  };
}
