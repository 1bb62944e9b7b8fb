/**
 * Pure parsing for replay and archive: range bounds (`<id|time>`), speeds (`max`, `1`, `10x`),
 * ages (`30d`) and the pacing schedule of a replay at N× the original inter-arrival times.
 */
import { compareStreamIds, MAX_SEQ, parseStreamId } from './stream-id.js';
import { parseHistoryBound } from './history-time.js';

/** Largest sequence number of a stream ID (defined in stream-id.ts, re-exported for callers here). */
export { MAX_SEQ };

/** Replay pace: `max` (as fast as possible) or N (the original inter-arrival times ÷ N). */
export type ReplaySpeed = 'max' | number;

/** Where a replay goes: copies under another prefix, copies into the same stream, or a new consumer group. */
export type ReplayTarget =
  { kind: 'prefix'; prefix: string } | { kind: 'same' } | { kind: 'group'; group: string };

/**
 * What the monitor's `replay-range` command replays (the `R` dialog, `:replay`): the stream as
 * the person names it (an event type, `all`, `dlq:<type>`), full stream IDs (inclusive), the
 * target and the pace. The CLI's `streamscope replay` flags say the same.
 */
export interface ReplayRangeSpec {
  stream: string;
  from: string;
  to: string;
  target: ReplayTarget;
  speed: ReplaySpeed;
}

/** `max`, or a factor > 0 (`1`, `10`, `10x`, `0.5×`). Throws with a one-line message otherwise. */
export function parseSpeed(text: string): ReplaySpeed {
  const t = text.trim().toLowerCase();
  if (t === 'max') return 'max';
  const m = /^(\d+(?:\.\d+)?)\s*[x×]?$/.exec(t);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isFinite(n) || n <= 0)
    throw new RangeError(`--speed must be max or a factor > 0 (1, 10, 10x), got "${text}"`);
  return n;
}

export function formatSpeed(speed: ReplaySpeed): string {
  return speed === 'max' ? 'max' : `${speed}×`;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `30d`, `12h`, `90m`, `45s`, `500ms`, `2w` → ms. Throws for anything else. */
export function parseAge(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!m) throw new RangeError(`not a duration (30d, 12h, 90m, 45s): "${text}"`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

/**
 * A range bound, read exactly as the monitor's `:goto` / `:range` read it (core/history-time.ts),
 * so one text means one ID in the CLI and the TUI: a stream ID (`1732694928060-0`, or
 * `1732694928060` = that millisecond), a time with a zone (`2026-11-27T07:00:00Z`, `…+01:00`), a
 * time or date without one (LOCAL: `2026-11-27T07:00`, `2026-11-27` = its local midnight), a
 * duration before `nowMs` (`2h`, `-2h`, `10m ago`; callers pass the SERVER's clock, the clock
 * stream IDs are made with), `now`, or `-`/`+`. `end` bounds cover the whole millisecond when no
 * sequence is given. Returns a full ID; throws a one-line RangeError naming the flag otherwise.
 */
export function parseBound(text: string, side: 'start' | 'end', nowMs: number): string {
  const r = parseHistoryBound(text, side, nowMs, side === 'start' ? '--from' : '--to');
  if (!r.ok) throw new RangeError(r.error);
  return r.id;
}

/** Both bounds, checked: from ≤ to. */
export function parseRange(from: string, to: string, nowMs: number): { from: string; to: string } {
  const a = parseBound(from, 'start', nowMs);
  const b = parseBound(to, 'end', nowMs);
  if (compareStreamIds(a, b) > 0)
    throw new RangeError(`--from ${from} is after --to ${to}: the range is empty`);
  return { from: a, to: b };
}

/**
 * When (ms after the replay started, pauses excluded) an entry whose ID time is `entryMs` is due,
 * for a replay whose first entry's time is `firstMs`. `max`: at once.
 */
export function dueOffsetMs(entryMs: number, firstMs: number, speed: ReplaySpeed): number {
  if (speed === 'max') return 0;
  return Math.max(0, entryMs - firstMs) / speed;
}

/** UTC day (`yyyy-mm-dd`) of a stream ID's time part: the archive's file name. */
export function dayOfStreamId(id: string): string {
  const ms = Number(parseStreamId(id).ms);
  return new Date(ms).toISOString().slice(0, 10);
}
