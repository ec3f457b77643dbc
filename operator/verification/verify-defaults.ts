// How the operator verifies servers unless told otherwise: the one place these numbers live. The scheduler and the
// verifier fall back to them, and the operator's flags (--verify-interval-seconds, --verify-concurrency,
// --verify-timeout-seconds) take their defaults and their usage text from them.
export const VERIFY_DEFAULTS = {
  /** Period between re-verifications of one server. */
  intervalMs: 60_000,
  /** Each period is stretched or shrunk by up to this fraction, at random. */
  jitter: 0.2,
  /** Verifications running at once, across all servers (first verifications and re-verifications alike). */
  concurrency: 4,
  /** Re-verifications started per second, across all servers (burst = concurrency). */
  maxPerSecond: 2,
  /** Budget of one verification. */
  timeoutMs: 5_000,
} as const;
