/**
 * Pacing and control of a replay, shared by the CLI, the TUI and PersistentEventBus.replayEvents:
 * entries are due at their original inter-arrival times divided by the speed (`max`: at once),
 * and the caller can pause, resume, step one entry while paused, or cancel. No Redis here.
 */
import { dueOffsetMs, type ReplaySpeed } from '../core/replay-range.js';

/** Progress of a running replay, passed to `onProgress`. */
export interface ReplayProgress {
  /** Entries replayed so far, and the total the preview counted (null: unknown). */
  done: number;
  total: number | null;
  /** Entries per second since the start, pauses excluded. */
  ratePerSec: number;
  /** ms until the end at the current pace (null: unknown). */
  etaMs: number | null;
  /** ID of the last entry replayed (the original's ID). */
  lastId: string | null;
  paused: boolean;
}

/** Pause, resume, step or cancel a replay from outside (pass it as `control`). */
export class ReplayControl {
  private pausedNow = false;
  private cancelledNow = false;
  private steps = 0;
  private wakers: (() => void)[] = [];
  /** Start of the schedule, ms (Date.now scale); moved on resume so a pause is not caught up. */
  private base = 0;
  private activeStart = 0;
  private activeMs = 0;
  private started = false;
  /** Set by resume(): the next wait restarts the schedule from the last entry written. */
  private resync = false;

  /** True between pause() and resume(). */
  get paused(): boolean {
    return this.pausedNow;
  }
  /** True after cancel(): the replay stops before the next entry. */
  get cancelled(): boolean {
    return this.cancelledNow;
  }

  /** Hold the replay before its next entry. */
  pause(): void {
    if (this.pausedNow || this.cancelledNow) return;
    this.pausedNow = true;
    if (this.started) this.activeMs += Date.now() - this.activeStart;
    this.wake();
  }

  /** Continue a paused replay (the schedule restarts from the last entry written). */
  resume(): void {
    if (!this.pausedNow) return;
    this.pausedNow = false;
    this.steps = 0;
    this.activeStart = Date.now();
    this.resync = true;
    this.wake();
  }

  /** While paused: let exactly one more entry through. */
  step(): void {
    if (!this.pausedNow) return;
    this.steps++;
    this.wake();
  }

  /** Stop the replay; entries already written stay. */
  cancel(): void {
    this.cancelledNow = true;
    this.wake();
  }

  /** ms until the entry at offset `dueMs` is due (0 or less: now). */
  msUntil(dueMs: number): number {
    if (!this.started || this.resync) return 0;
    return this.base + dueMs - Date.now();
  }

  /** ms spent replaying (not paused). */
  activeElapsedMs(): number {
    if (!this.started) return 0;
    return this.activeMs + (this.pausedNow ? 0 : Date.now() - this.activeStart);
  }

  /**
   * Wait until the entry at offset `dueMs` of the schedule may be written. Returns false when the
   * replay was cancelled. `lastDueMs` is the offset of the entry written before it: after a pause
   * or a step the schedule restarts from there, so the gap between the two is kept.
   */
  async waitTurn(dueMs: number, lastDueMs: number, signal?: AbortSignal): Promise<boolean> {
    if (!this.started) {
      this.started = true;
      this.base = Date.now();
      this.activeStart = this.base;
    }
    for (;;) {
      if (this.cancelledNow || signal?.aborted) return false;
      if (this.pausedNow) {
        if (this.steps > 0) {
          this.steps--;
          this.base = Date.now() - dueMs;
          return true;
        }
        await this.sleep(60_000, signal);
        continue;
      }
      if (this.resync) {
        this.resync = false;
        this.base = Date.now() - lastDueMs;
      }
      const wait = this.base + dueMs - Date.now();
      if (wait <= 0) return true;
      await this.sleep(wait, signal);
    }
  }

  private sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wakers = this.wakers.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.wakers.push(done);
    });
  }

  private wake(): void {
    for (const w of this.wakers.splice(0)) w();
  }
}

/** Progress numbers from the state of a run. `remainingSpanMs`: original time still to replay. */
export function progressOf(
  control: ReplayControl,
  done: number,
  total: number | null,
  lastId: string | null,
  speed: ReplaySpeed,
  remainingSpanMs: number | null,
): ReplayProgress {
  const secs = control.activeElapsedMs() / 1000;
  const ratePerSec = secs > 0 ? done / secs : 0;
  let etaMs: number | null = null;
  if (speed !== 'max' && remainingSpanMs !== null) etaMs = remainingSpanMs / speed;
  else if (total !== null && ratePerSec > 0) etaMs = ((total - done) / ratePerSec) * 1000;
  return { done, total, ratePerSec, etaMs, lastId, paused: control.paused };
}

export { dueOffsetMs };
