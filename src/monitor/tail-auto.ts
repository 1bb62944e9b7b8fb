/**
 * `--tail auto`: when to stop reading every entry and sample instead, and when to go back. Pure,
 * so it is tested alone (test/monitor/tail-auto.test.ts); TailSwitch (sampler.ts) feeds it one
 * observation a second.
 *
 * Full mode is given up for any of three reasons, each held for a while so a burst does not
 * flip it: the tail is **behind** (the newest entry read is seconds old), full reading **costs**
 * too much (the event loop is busy nearly all the time while live entries pour in — at the
 * server's maximum the tail stayed within its lag threshold by using a whole core, so lag alone
 * never switched), or the read rate is simply above what full mode promises.
 *
 * The cost is the event loop's utilisation (busy time ÷ wall time), not CPU time ÷ wall time:
 * on a shared machine the process may get only 0.2 core (measured under load 14) while it is
 * runnable all the time; CPU time then looks cheap although the loop has no second to spare,
 * whereas utilisation counts the time spent waiting for a core as busy. On a free core the two
 * agree (the loop runs on one thread). Sampling goes back to full
 * reading only when the exact rate (entries-added) has stayed well under what full mode was
 * reading when it gave up (hysteresis: the rate must halve, so it does not flap at the limit).
 */

export type AutoReason = 'behind' | 'busy' | 'rate';

export interface AutoSwitchOptions {
  /** Full mode is "behind" while the newest entry read is older than this, ms. Default 2000. */
  behindMs: number;
  /** …for this long before sampling starts, ms. Default 2000. */
  behindForMs: number;
  /** Full mode costs too much above this event-loop utilisation (0–1, busy ÷ wall time). Default 0.9. */
  maxBusy: number;
  /**
   * …but only while live entries arrive at least this fast, entries/s: CPU spent on history
   * (`--since`), a large snapshot or the UI alone is not the tail's cost. Default 5000.
   */
  costMinRate: number;
  /** Full mode reads more than this many entries/s. Default 150,000 (full fidelity is promised to 100k/s). */
  maxRate: number;
  /** The cost or rate condition must hold for this long, ms. Default 1000 (two observations in a row). */
  costForMs: number;
  /** Back to full when the exact rate stays under this share of what full mode managed. Default 0.5. */
  backBelow: number;
  /** …for this long, ms. Default 3000. */
  backForMs: number;
}

export const DEFAULT_AUTO: AutoSwitchOptions = {
  behindMs: 2000,
  behindForMs: 2000,
  maxBusy: 0.9,
  costMinRate: 5000,
  maxRate: 150_000,
  costForMs: 1000,
  backBelow: 0.5,
  backForMs: 3000,
};

export interface AutoState {
  sampling: boolean;
  /** Since when each condition for the next switch has held (ms), null while it does not. */
  behindSince: number | null;
  costSince: number | null;
  rateSince: number | null;
  /** Sampling: since when the rate has been low enough to go back (ms). */
  slowSince: number | null;
  /** Entries/s full mode read when it gave up: what it can take. */
  capacity: number | null;
  /** Why sampling started (null in full mode or when forced with `--tail sample`). */
  reason: AutoReason | null;
  /** The observation that decided it (lag ms, cores or entries/s), for the status bar. */
  reasonValue: number | null;
}

export interface AutoObservation {
  now: number;
  /** Full mode: receipt time − time of the newest entry read, ms (null: nothing read yet). */
  lagMs: number | null;
  /** Full mode: live entries/s read; sampling: the exact rate from entries-added. */
  perSec: number;
  /** Full mode: event-loop utilisation since the last observation, 0–1 (null: unknown). */
  busy: number | null;
}

export const AUTO_START: AutoState = {
  sampling: false,
  behindSince: null,
  costSince: null,
  rateSince: null,
  slowSince: null,
  capacity: null,
  reason: null,
  reasonValue: null,
};

/** `since` kept while `holds`, started now when it begins, null when it stops. */
function held(holds: boolean, since: number | null, now: number): number | null {
  return holds ? (since ?? now) : null;
}

export function nextAutoMode(
  s: AutoState,
  obs: AutoObservation,
  o: AutoSwitchOptions = DEFAULT_AUTO,
): AutoState {
  const { now } = obs;
  if (!s.sampling) {
    const behindSince = held(obs.lagMs !== null && obs.lagMs > o.behindMs, s.behindSince, now);
    const costSince = held(
      obs.busy !== null && obs.busy > o.maxBusy && obs.perSec >= o.costMinRate,
      s.costSince,
      now,
    );
    const rateSince = held(obs.perSec > o.maxRate, s.rateSince, now);
    const next = { ...s, behindSince, costSince, rateSince };
    const why: [AutoReason, number][] = [];
    if (behindSince !== null && now - behindSince >= o.behindForMs)
      why.push(['behind', obs.lagMs!]);
    if (costSince !== null && now - costSince >= o.costForMs) why.push(['busy', obs.busy!]);
    if (rateSince !== null && now - rateSince >= o.costForMs) why.push(['rate', obs.perSec]);
    if (why.length === 0) return same(s, next);
    const [reason, reasonValue] = why[0];
    return {
      ...AUTO_START,
      sampling: true,
      capacity: Math.max(1, Math.min(obs.perSec, o.maxRate)),
      reason,
      reasonValue,
    };
  }
  const slowSince = held(obs.perSec < o.backBelow * (s.capacity ?? 0), s.slowSince, now);
  if (slowSince !== null && now - slowSince >= o.backForMs)
    return { ...AUTO_START, capacity: s.capacity };
  return s.slowSince === slowSince ? s : { ...s, slowSince };
}

/** Keeps the old object when nothing changed (callers compare states by identity). */
function same(s: AutoState, next: AutoState): AutoState {
  return s.behindSince === next.behindSince &&
    s.costSince === next.costSince &&
    s.rateSince === next.rateSince
    ? s
    : next;
}

/**
 * The status bar's words for why the tail samples, short enough to fit beside the ratio:
 * "auto: 97% busy" (the event loop, reading every entry), "auto: 2.5 s behind", "auto: 152k/s".
 */
export function describeReason(reason: AutoReason | null, value: number | null): string | null {
  if (reason === null || value === null) return null;
  switch (reason) {
    case 'behind':
      return `auto: ${(value / 1000).toFixed(1)} s behind`;
    case 'busy':
      return `auto: ${Math.round(value * 100)}% busy`;
    case 'rate':
      return `auto: ${Math.round(value / 1000)}k/s`;
  }
}
