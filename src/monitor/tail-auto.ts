/**
 * `--tail auto`: when to stop reading every entry and sample instead, and when to go back. Pure,
 * so it is tested alone (test/monitor/tail-auto.test.ts); TailSwitch (sampler.ts) feeds it four
 * observations a second, each over the last second.
 *
 * Full mode is given up for any of four reasons, each held for a while so a burst does not
 * flip it: the tail is **behind** (the newest entry read is seconds old), full reading **costs**
 * too much (the event loop is busy nearly all the time while live entries pour in — at the
 * server's maximum the tail stayed within its lag threshold by using a whole core, so lag alone
 * never switched), the read rate is simply above what full mode promises, or a **flood**: the
 * backlog between the tail and the stream's end (entries-added, known from the XINFO that rides
 * with every full COUNT batch) is more than full mode reads in `floodS` and still growing at the
 * next observation. The flood rule is the fast one: at the server's maximum the backlog grows by
 * ~100k entries a second, so it fires within ~0.5 s where the others needed 2–3 s of full
 * reading falling further behind (which set the screen lag of the whole window). A pause (a GC,
 * a long frame) leaves a backlog too, but one that shrinks by the next observation.
 *
 * The cost is the event loop's utilisation (busy time ÷ wall time), not CPU time ÷ wall time:
 * on a shared machine the process may get only 0.2 core (measured under load 14) while it is
 * runnable all the time; CPU time then looks cheap although the loop has no second to spare,
 * whereas utilisation counts the time spent waiting for a core as busy. On a free core the two
 * agree (the loop runs on one thread). Sampling goes back to full
 * reading only when the exact rate (entries-added) has stayed well under what full mode was
 * reading when it gave up (hysteresis: the rate must halve, so it does not flap at the limit).
 */

export type AutoReason = 'behind' | 'busy' | 'rate' | 'flood';

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
  /** The cost or rate condition must hold for this long, ms. Default 1000. */
  costForMs: number;
  /** A flood: the backlog is more than full mode reads in this many seconds. Default 0.5. */
  floodS: number;
  /** …and at least this many entries (a batch or two behind is no flood). Default 10,000. */
  floodMin: number;
  /** …growing (never shrinking) for this long, ms. Default 250 (two observations in a row). */
  floodForMs: number;
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
  floodS: 0.5,
  floodMin: 10_000,
  floodForMs: 250,
  backBelow: 0.5,
  backForMs: 3000,
};

export interface AutoState {
  sampling: boolean;
  /** Since when each condition for the next switch has held (ms), null while it does not. */
  behindSince: number | null;
  costSince: number | null;
  rateSince: number | null;
  floodSince: number | null;
  /** The backlog at the previous observation (full mode), to tell a growing one from a draining one. */
  backlog: number | null;
  /** Sampling: since when the rate has been low enough to go back (ms). */
  slowSince: number | null;
  /** Entries/s full mode read when it gave up: what it can take. */
  capacity: number | null;
  /** Why sampling started (null in full mode or when forced with `--tail sample`). */
  reason: AutoReason | null;
  /** The observation that decided it (lag ms, utilisation, entries/s, backlog entries), for the status bar. */
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
  /**
   * Full mode: entries between the newest one read and the stream's end at the tail's last read
   * (0 after a read that was not a full batch; null: unknown, e.g. while reading history).
   */
  backlog?: number | null;
}

export const AUTO_START: AutoState = {
  sampling: false,
  behindSince: null,
  costSince: null,
  rateSince: null,
  floodSince: null,
  backlog: null,
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
    const backlog = obs.backlog ?? null;
    const floodSince = held(
      backlog !== null &&
        backlog >= o.floodMin &&
        backlog > o.floodS * obs.perSec &&
        (s.floodSince === null || s.backlog === null || backlog >= s.backlog),
      s.floodSince,
      now,
    );
    const next = { ...s, behindSince, costSince, rateSince, floodSince, backlog };
    const why: [AutoReason, number][] = [];
    if (behindSince !== null && now - behindSince >= o.behindForMs)
      why.push(['behind', obs.lagMs!]);
    if (costSince !== null && now - costSince >= o.costForMs) why.push(['busy', obs.busy!]);
    if (rateSince !== null && now - rateSince >= o.costForMs) why.push(['rate', obs.perSec]);
    if (floodSince !== null && now - floodSince >= o.floodForMs) why.push(['flood', backlog!]);
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
    s.rateSince === next.rateSince &&
    s.floodSince === next.floodSince &&
    s.backlog === next.backlog
    ? s
    : next;
}

/**
 * The status bar's words for why the tail samples, short enough to fit beside the ratio:
 * "auto: 97% busy" (the event loop, reading every entry), "auto: 2.5 s behind", "auto: 152k/s",
 * "auto: 48k behind" (a flood: entries the tail had still to read).
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
    case 'flood':
      return `auto: ${Math.round(value / 1000)}k behind`;
  }
}
