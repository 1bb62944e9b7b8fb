/**
 * Where `:goto` and `:range` point in a stream (pure): a stream ID or a time, turned into a full
 * stream ID. Times without a zone are LOCAL, because the history view shows local times — what
 * you read on the screen is what you type. Accepted:
 *
 *   1732694928060-0, 1732694928060   a stream ID (a bare millisecond = that millisecond)
 *   2026-12-02T06:00, 2026-12-02 06:00:30.250, 2026-12-02   local time (a date: its midnight)
 *   2026-12-02T06:00Z, 2026-12-02T06:00+01:00               a time with a zone
 *   -1h, 10m ago, 90s, 2d                                   a duration before now
 *   now, - (the stream's start), + (its end)
 *
 * An `end` bound without a sequence covers its whole millisecond (`<ms>-<max seq>`), so
 * `:range 06:00..07:00`-style ranges include entries of the last millisecond.
 */
import { compareStreamIds, isStreamId, MAX_SEQ } from './stream-id.js';

export type BoundSide = 'start' | 'end';

export type BoundParse = { ok: true; id: string } | { ok: false; error: string };

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export const TIME_HELP = '1732694928060-0, 2026-12-02T06:00 (local), -1h or "10m ago"';

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;
const ZONED_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const AGO_RE = /^-?\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d|w)(?:\s+ago)?$/;

/** The time (ms since the epoch) a text names, or null. */
function timeOf(t: string, nowMs: number): number | null {
  if (t === 'now') return nowMs;
  const ago = AGO_RE.exec(t);
  // A bare number is an ID, so a duration needs its unit; `-` or `ago` are optional.
  if (ago) return nowMs - Number(ago[1]) * UNIT_MS[ago[2]];
  const local = LOCAL_RE.exec(t);
  if (local) {
    const [y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = local.slice(1);
    const date = new Date(+y, +mo - 1, +d, +h, +mi, +s, Number(frac.padEnd(3, '0')));
    // new Date rolls 2026-02-31 over into March: refuse what does not name a real moment.
    if (date.getMonth() !== +mo - 1 || date.getDate() !== +d || +h > 23 || +mi > 59 || +s > 59)
      return null;
    return date.getTime();
  }
  if (ZONED_RE.test(t)) {
    const ms = Date.parse(t);
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}

/** One bound as a full stream ID; `what` names the verb in the error line. */
export function parseHistoryBound(
  text: string,
  side: BoundSide,
  nowMs: number,
  what: string,
): BoundParse {
  const t = text.trim();
  if (t === '')
    return { ok: false, error: `${what}: a time or stream ID is missing (${TIME_HELP})` };
  if (t === '-') return { ok: true, id: '0-0' };
  if (t === '+') return { ok: true, id: `${MAX_SEQ}-${MAX_SEQ}` };
  if (isStreamId(t)) {
    // Redis refuses parts past 2^64 − 1: so do we, with the line rather than a server error.
    const [ms, seq] = t.split('-');
    if (BigInt(ms) > BigInt(MAX_SEQ) || (seq !== undefined && BigInt(seq) > BigInt(MAX_SEQ)))
      return { ok: false, error: `${what}: ${JSON.stringify(t)} is past the largest stream ID` };
    if (seq !== undefined) return { ok: true, id: `${BigInt(ms)}-${BigInt(seq)}` };
    return { ok: true, id: side === 'start' ? `${BigInt(ms)}-0` : `${BigInt(ms)}-${MAX_SEQ}` };
  }
  const ms = timeOf(t, nowMs);
  if (ms === null)
    return { ok: false, error: `${what}: cannot read ${JSON.stringify(t)} (use ${TIME_HELP})` };
  const whole = Math.max(0, Math.floor(ms));
  return { ok: true, id: side === 'start' ? `${whole}-0` : `${whole}-${MAX_SEQ}` };
}

export type RangeParse = { ok: true; from: string; to: string } | { ok: false; error: string };

/** `<from>..<to>`: both bounds, checked from ≤ to. */
export function parseHistoryRange(text: string, nowMs: number): RangeParse {
  const parts = text.split('..');
  if (parts.length !== 2)
    return {
      ok: false,
      error: `range: expected <from>..<to>, e.g. -1h..now or 1732694928060-0..1732694929000-0`,
    };
  const from = parseHistoryBound(parts[0], 'start', nowMs, 'range');
  if (!from.ok) return from;
  const to = parseHistoryBound(parts[1], 'end', nowMs, 'range');
  if (!to.ok) return to;
  if (compareStreamIds(from.id, to.id) > 0)
    return {
      ok: false,
      error: `range: from ${parts[0].trim()} is after to ${parts[1].trim()}: the range is empty`,
    };
  return { ok: true, from: from.id, to: to.id };
}
