/**
 * Warms the first tool call's cold paths in idle time once the transport is ready (issue #18: the first call after
 * start was 4-7x a warm one). What that call paid for: zod compiling each object schema's fast path and walking it
 * on its first parse (tool arguments, tool results, Plex's answers), and first uses of the runtime (the lazy web
 * globals the Plex path reads, the first Error stack, the first Date.toISOString). Here each of those is done
 * once, in small steps, while nothing else runs, so a client that waits between tools/list and its first call
 * (a model thinking) gets that call at warm speed.
 *
 * The rules it keeps: no observable effect (it parses samples built from the schemas themselves, schema-samples.ts,
 * whose transforms are pure; no Plex request, no cache, no log line, no metric); never in a request's way (one
 * step per event-loop turn, and none while `busy()` says a request is being served: it waits and looks again);
 * never throws into the process (a failing step is skipped). Its immediates stay ref'd: an unref'd one does not
 * stop the event loop from blocking for I/O, so each step would wait for the next unrelated event. It lasts a
 * fraction of a second; the server stops it at shutdown (stop()).
 * Memory: what it compiles is what the server compiles anyway as tools get used, once each.
 */
import { type HiddenMembers, objectSchemasOf, sampleOf, type ZodSchemaLike } from './schema-samples.ts';

/**
 * One unit of warm-up work: small (a schema's own parse, a few ms at most when cold). A step that returns a promise
 * (a whole request served in-process) is waited for before the next one runs, at most `stepMaxMs`; its rejection is
 * ignored like a throw.
 */
export type WarmUpStep = () => unknown;

export interface WarmUpHandle {
  /** Stops before the next step (a step running now finishes). */
  stop(): void;
  /** Resolves when every step has run, or after stop(), with the number of steps run. */
  readonly finished: Promise<number>;
}

export interface IdleWarmUpOptions {
  /** True while a request is being served: no step runs then. */
  busy?: () => boolean;
  /** How long to wait before looking again while busy, ms. */
  retryMs?: number;
  /** How long to wait before the first step, ms (0: the next turn). */
  delayMs?: number;
  /** How long a step's promise is waited for before the next step runs anyway, ms. */
  stepMaxMs?: number;
}

const RETRY_MS = 20;
/** A step whose promise never settles (a request nobody answers) must not hold up the rest, nor `finished`. */
const STEP_MAX_MS = 2_000;

/**
 * Runs `steps` one per event-loop turn (setImmediate: pending I/O is served between any two of them). The
 * iterable is read one step at a time, in those turns: building a step (walking a schema) is idle work too.
 */
export function startIdleWarmUp(steps: Iterable<WarmUpStep>, options: IdleWarmUpOptions = {}): WarmUpHandle {
  const busy = options.busy ?? (() => false);
  const retryMs = options.retryMs ?? RETRY_MS;
  const stepMaxMs = options.stepMaxMs ?? STEP_MAX_MS;
  const iterator = steps[Symbol.iterator]();
  let ran = 0;
  let stopped = false;
  let settle: (ran: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    settle = resolve;
  });
  // One step per event-loop turn: pending I/O is served between any two.
  const scheduleNext = () => void setImmediate(runNext);
  const runNext = () => {
    if (stopped) return;
    if (safely(busy)) {
      setTimeout(runNext, retryMs);
      return;
    }
    const next = safely(() => iterator.next());
    if (next === false || next.done) {
      stopped = true;
      settle(ran);
      return;
    }
    ran++;
    const pending = safely(next.value);
    if (!isThenable(pending)) {
      scheduleNext();
      return;
    }
    let settled = false;
    const onSettled = () => {
      if (settled) return;
      settled = true;
      clearTimeout(giveUp);
      scheduleNext();
    };
    const giveUp = setTimeout(onSettled, stepMaxMs);
    pending.then(onSettled, onSettled);
  };
  if (options.delayMs) setTimeout(runNext, options.delayMs);
  else setImmediate(runNext);
  return {
    stop() {
      stopped = true;
      settle(ran);
    },
    finished,
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function safely<T>(fn: () => T): T | false {
  try {
    return fn();
  } catch {
    return false;
  }
}

/**
 * The runtime's first-use costs on a tool call's path: the lazy web globals the Plex client and the resilience
 * policy read (AbortController, AbortSignal.timeout / .any, performance; reading a global runs its lazy loader and
 * nothing else), URLSearchParams, the first Error stack (formatted on first read), the first Date.toISOString
 * (time-zone data).
 * Not fetch, Request or Headers: they load undici, which a stdio server never needs (the HTTP transport loads it
 * for its first request anyway).
 */
export function runtimeSteps(): WarmUpStep[] {
  return [
    () => void [globalThis.AbortController, globalThis.AbortSignal, globalThis.performance.now()],
    // A Plex request's query string (plex-http.ts): URLSearchParams' setters are cold until first used.
    () => {
      const query = new URLSearchParams();
      query.set('warm', '1');
      void query.toString();
    },
    () => void new Error('warm-up').stack,
    () => void new Date(0).toISOString(),
  ];
}

/**
 * One step per object schema inside `schemas` (innermost first, each once), parsing a sample of it, then one per
 * schema in `schemas` itself: every parse then does one object's cold work only. Lazy: a schema is walked when
 * the warm-up reaches it.
 */
export function* schemaSteps(schemas: readonly unknown[], hidden?: HiddenMembers): Generator<WarmUpStep> {
  const done = new Set<ZodSchemaLike>();
  for (const root of schemas) {
    if (!isStandardZod(root)) continue;
    for (const schema of objectSchemasOf(root, hidden)) {
      if (done.has(schema) || !isStandardZod(schema)) continue;
      done.add(schema);
      yield () => {
        // The Standard Schema entry point: what the SDK calls for results, zod's synchronous parse for arguments.
        const result = schema['~standard'].validate(sampleOf(schema, hidden));
        if (result instanceof Promise) result.catch(() => undefined);
      };
    }
  }
}

type StandardZod = ZodSchemaLike & { '~standard': { validate(value: unknown): unknown } };

function isStandardZod(value: unknown): value is StandardZod {
  const zod = (value as { _zod?: { def?: { type?: unknown } } } | null)?._zod;
  return (
    typeof zod?.def?.type === 'string' &&
    typeof (value as { '~standard'?: { validate?: unknown } })['~standard']?.validate === 'function'
  );
}
