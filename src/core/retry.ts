/**
 * The one retry toolkit every background loop uses (consumer, monitor tail and poller, bus queue,
 * `monitorEventsFromRedis`, the demo): capped exponential backoff with jitter, a sleep that an
 * abort (or a "the server is back" wake-up) ends early, and episodes.
 *
 * An episode is a run of failures with the same cause (an error code such as `UNREACHABLE` or
 * `NOGROUP`). It is logged once, when it starts, and a new episode starts its backoff afresh:
 * after an outage (UNREACHABLE, backed off to seconds) the NOGROUP of a server restarted without
 * data gets its first attempt within `retryBaseMs`, not at the outage's delay.
 *
 * Option names, everywhere: `retryBaseMs` (first delay) and `retryMaxMs` (cap), in ms.
 */

export interface RetryOptions {
  /** First retry delay, ms (it doubles per attempt of one episode). */
  retryBaseMs?: number;
  /** Retry delay cap, ms. */
  retryMaxMs?: number;
}

/**
 * Capped exponential backoff with jitter: base · 2^(attempt-1), capped at max, times a random
 * factor in [0.5, 1] (so many clients retrying at once spread out). `attempt` starts at 1; the
 * first delay is therefore at most `baseMs`.
 */
export function backoffDelay(attempt: number, baseMs = 100, maxMs = 5000): number {
  const delay = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, attempt - 1), 30));
  return Math.round(delay / 2 + Math.random() * (delay / 2));
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Failures of one loop, grouped into episodes. `fail(cause)` returns the delay before the next
 * attempt and whether this failure started a new episode (log it then, and only then);
 * `succeed()` ends the episode and says whether one was running (to log "recovered").
 */
export class RetryEpisodes {
  private readonly baseMs: number;
  private readonly maxMs: number;
  private cause: string | null = null;
  private attempts = 0;

  constructor(options: RetryOptions & { defaults: Required<RetryOptions> }) {
    this.baseMs = options.retryBaseMs ?? options.defaults.retryBaseMs;
    this.maxMs = Math.max(this.baseMs, options.retryMaxMs ?? options.defaults.retryMaxMs);
  }

  /** The running episode's cause, null when the last attempt succeeded. */
  get current(): string | null {
    return this.cause;
  }

  /** Failed attempts in the running episode (0 when none is running). */
  get attempt(): number {
    return this.attempts;
  }

  fail(cause: string): { delayMs: number; started: boolean } {
    const started = cause !== this.cause;
    if (started) {
      this.cause = cause;
      this.attempts = 0;
    }
    this.attempts++;
    return { delayMs: backoffDelay(this.attempts, this.baseMs, this.maxMs), started };
  }

  succeed(): boolean {
    const was = this.cause !== null;
    this.cause = null;
    this.attempts = 0;
    return was;
  }
}
