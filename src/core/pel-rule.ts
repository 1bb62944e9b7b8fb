/**
 * The rule language that selects pending entries (`:mark <rule>` in the monitor, the selector
 * flags of `streamscope ack|claim|deadletter`). Terms combine with spaces (AND):
 *
 *   all                      every pending entry of the group
 *   consumer=<name>          held by that consumer
 *   idle>5m                  idle time (> >= < <=), units ms s m h d
 *   deliveries>=3            delivery count (> >= < <=)
 *   id<=<stream id>          entry ID (> >= < <=; `=` for one ID)
 *
 * Pure: parse to data, match against PendingEntry rows, and say which part the server can filter
 * (XPENDING start/end, IDLE, consumer) so a scan of a big PEL reads only what it must.
 */
import type { PendingEntry } from './types.js';
import { compareStreamIds, isStreamId, nextStreamId, previousStreamId } from './stream-id.js';

export type Comparison = '>' | '>=' | '<' | '<=';

export type RuleTerm =
  | { kind: 'all' }
  | { kind: 'consumer'; name: string }
  | { kind: 'idle'; op: Comparison; ms: number }
  | { kind: 'deliveries'; op: Comparison; n: number }
  | { kind: 'id'; op: Comparison | '='; id: string }
  | { kind: 'ids'; ids: ReadonlySet<string> };

export interface PelRule {
  terms: RuleTerm[];
}

export type RuleParse = { ok: true; rule: PelRule } | { ok: false; error: string };

export const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const RULE_HELP = 'all, consumer=<name>, idle>5m, deliveries>=3, id<=<stream id>';

/** `5m` → 300000; null when it is not a number with a unit (ms s m h d). */
export function parseDurationMs(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  return m ? Math.round(Number(m[1]) * DURATION_UNITS_MS[m[2]]) : null;
}

const COMPARISON_RE = /^(>=|<=|>|<)(.*)$/;

/** `>5m` (a CLI selector such as --idle '>5m') → op and the rest, or an error line. */
function splitComparison(
  name: string,
  text: string,
): { op: Comparison; value: string } | { error: string } {
  const m = COMPARISON_RE.exec(text);
  if (!m)
    return { error: `${name}: expected > >= < or <= then a value, got ${JSON.stringify(text)}` };
  if (/^[<>=]/.test(m[2]))
    return { error: `${name}: one comparison only (> >= < <=), got ${JSON.stringify(text)}` };
  return { op: m[1] as Comparison, value: m[2] };
}

function term(text: string): RuleTerm | { error: string } {
  if (text === 'all') return { kind: 'all' };
  const eq = /^consumer=(.+)$/.exec(text);
  if (eq) return { kind: 'consumer', name: eq[1] };
  const m = /^(idle|deliveries|id)(.*)$/.exec(text);
  if (!m) {
    return { error: `unknown rule term ${JSON.stringify(text)}; rules: ${RULE_HELP}` };
  }
  const [, field, rest] = m;
  if (field === 'id' && /^=[^=<>]/.test(rest)) {
    const id = rest.slice(1);
    if (!isStreamId(id)) return { error: `id: not a stream ID: ${JSON.stringify(id)}` };
    return { kind: 'id', op: '=', id };
  }
  const c = splitComparison(field, rest);
  if ('error' in c) return c;
  if (field === 'idle') {
    const ms = parseDurationMs(c.value);
    if (ms === null)
      return {
        error: `idle: expected a duration with a unit (500ms, 30s, 5m, 1h, 2d), got ${JSON.stringify(c.value)}`,
      };
    return { kind: 'idle', op: c.op, ms };
  }
  if (field === 'deliveries') {
    if (!/^\d+$/.test(c.value))
      return { error: `deliveries: expected a whole number, got ${JSON.stringify(c.value)}` };
    return { kind: 'deliveries', op: c.op, n: Number(c.value) };
  }
  if (!isStreamId(c.value))
    return { error: `id: not a stream ID (e.g. 1733100000000-0): ${JSON.stringify(c.value)}` };
  return { kind: 'id', op: c.op, id: c.value };
}

/** Parse `idle>5m consumer=dead-1`. An empty rule is an error (say `all` for everything). */
export function parseRule(text: string): RuleParse {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { ok: false, error: `empty rule; rules: ${RULE_HELP}` };
  const terms: RuleTerm[] = [];
  for (const w of words) {
    const t = term(w);
    if ('error' in t) return { ok: false, error: t.error };
    terms.push(t);
  }
  return { ok: true, rule: { terms } };
}

/** CLI selector flags → one rule (AND). At least one selector, or --all, is required. */
export function ruleFromSelectors(s: {
  all?: boolean;
  consumer?: string;
  idle?: string;
  deliveries?: string;
  ids?: string;
}): RuleParse {
  const terms: RuleTerm[] = [];
  if (s.all) terms.push({ kind: 'all' });
  if (s.consumer !== undefined) terms.push({ kind: 'consumer', name: s.consumer });
  for (const [flag, value] of [
    ['idle', s.idle],
    ['deliveries', s.deliveries],
  ] as const) {
    if (value === undefined) continue;
    const t = term(`${flag}${value}`);
    if ('error' in t) return { ok: false, error: `--${t.error}` };
    terms.push(t);
  }
  if (s.ids !== undefined) {
    const ids = s.ids
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    const bad = ids.find((id) => !isStreamId(id));
    if (ids.length === 0 || bad !== undefined)
      return { ok: false, error: `--ids: not a stream ID: ${JSON.stringify(bad ?? s.ids)}` };
    terms.push({ kind: 'ids', ids: new Set(ids) });
  }
  if (terms.length === 0)
    return {
      ok: false,
      error:
        'no selector: pass --all, or one or more of --consumer <name> --idle >5m --deliveries >=3 --ids <id,…>',
    };
  return { ok: true, rule: { terms } };
}

function compare(op: Comparison | '=', a: number, b: number): boolean {
  switch (op) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '=':
      return a === b;
  }
}

export function matchesRule(rule: PelRule, entry: PendingEntry): boolean {
  return rule.terms.every((t) => {
    switch (t.kind) {
      case 'all':
        return true;
      case 'consumer':
        return entry.consumer === t.name;
      case 'idle':
        return compare(t.op, entry.idleMs, t.ms);
      case 'deliveries':
        return compare(t.op, entry.deliveries, t.n);
      case 'id':
        return compare(t.op, compareStreamIds(entry.id, t.id), 0);
      case 'ids':
        return t.ids.has(entry.id);
    }
  });
}

/** What XPENDING can filter on the server; matchesRule still decides every row. */
export interface PendingScanBounds {
  start: string;
  end: string;
  consumer: string | null;
  /** XPENDING IDLE <ms> keeps entries idle ≥ this; null: no idle filter. */
  minIdleMs: number | null;
  /** Two different consumers asked for, or an empty ID range: nothing can match. */
  empty: boolean;
}

export function scanBounds(rule: PelRule): PendingScanBounds {
  let start = '0-0';
  let end: string | null = null;
  let consumer: string | null = null;
  let minIdleMs: number | null = null;
  let empty = false;
  const raiseStart = (id: string) => {
    if (compareStreamIds(id, start) > 0) start = id;
  };
  const lowerEnd = (id: string | null) => {
    if (id === null) empty = true;
    else if (end === null || compareStreamIds(id, end) < 0) end = id;
  };
  for (const t of rule.terms) {
    if (t.kind === 'consumer') {
      if (consumer !== null && consumer !== t.name) empty = true;
      consumer = t.name;
    } else if (t.kind === 'idle' && (t.op === '>' || t.op === '>=')) {
      const ms = t.op === '>' ? t.ms + 1 : t.ms;
      minIdleMs = Math.max(minIdleMs ?? 0, ms);
    } else if (t.kind === 'id') {
      if (t.op === '>') raiseStart(nextStreamId(t.id));
      if (t.op === '>=' || t.op === '=') raiseStart(t.id);
      if (t.op === '<') lowerEnd(previousStreamId(t.id));
      if (t.op === '<=' || t.op === '=') lowerEnd(t.id);
    } else if (t.kind === 'ids') {
      // Named IDs (marks): only their range need be read.
      const sorted = [...t.ids].sort(compareStreamIds);
      if (sorted.length === 0) empty = true;
      else {
        raiseStart(sorted[0]);
        lowerEnd(sorted[sorted.length - 1]);
      }
    }
  }
  if (end !== null && compareStreamIds(start, end) > 0) empty = true;
  return { start, end: end ?? '+', consumer, minIdleMs, empty };
}

/** The rule written back in the `:` language (for previews and the journal). */
export function describeRule(rule: PelRule): string {
  return rule.terms
    .map((t) => {
      switch (t.kind) {
        case 'all':
          return 'all';
        case 'consumer':
          return `consumer=${t.name}`;
        case 'idle':
          return `idle${t.op}${formatDurationMs(t.ms)}`;
        case 'deliveries':
          return `deliveries${t.op}${t.n}`;
        case 'id':
          return `id${t.op}${t.id}`;
        case 'ids':
          return `ids=${t.ids.size === 1 ? [...t.ids][0] : `<${t.ids.size} IDs>`}`;
      }
    })
    .join(' ');
}

/** 300000 → `5m`, 1500 → `1500ms`: the largest unit that divides it. */
export function formatDurationMs(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = DURATION_UNITS_MS[unit];
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
