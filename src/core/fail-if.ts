/**
 * `status --fail-if` conditions: `lag>1000`, `pending>100`, `pending-age>5m`, `stuck>0`,
 * `dlq>0`, optionally scoped (`group=workers:lag>100`, `stream=asset.processed:pending>0`,
 * both: `stream=a,group=w:lag>1`). Parsing is pure and strict (a usage error names the bad
 * part); evaluation runs over plain per-group facts.
 */
import { StreamscopeError } from './errors.js';
import { parseCount, parseDurationMs } from './thresholds.js';
import { ageText } from './diagnosis.js';

export type Metric = 'lag' | 'pending' | 'pending-age' | 'stuck' | 'dlq';
export type Comparison = '>' | '>=' | '<' | '<=' | '=';

export interface Condition {
  /** The text as given, for messages. */
  text: string;
  metric: Metric;
  op: Comparison;
  /** Entries, or ms for pending-age. */
  value: number;
  /** Only this group (by name) / this stream (type name or full key). */
  group: string | null;
  stream: string | null;
}

export class FailIfUsageError extends StreamscopeError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

const METRICS: readonly Metric[] = ['lag', 'pending', 'pending-age', 'stuck', 'dlq'];

export function parseCondition(text: string): Condition {
  const bad = (why: string) =>
    new FailIfUsageError(
      `--fail-if ${JSON.stringify(text)}: ${why} (e.g. 'lag>1000', 'pending-age>5m', 'group=workers:stuck>0')`,
    );
  let rest = text.trim();
  let group: string | null = null;
  let stream: string | null = null;
  const colon = /^((?:(?:group|stream)=[^:,]+,?)+):(.*)$/.exec(rest);
  if (colon) {
    for (const part of colon[1].split(',').filter(Boolean)) {
      const [k, v] = [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)];
      if (k === 'group') group = v;
      else stream = v;
    }
    rest = colon[2];
  } else if (/^[a-z]+=/.test(rest)) throw bad('the scope is group=<name>: or stream=<type>:');
  const m = /^([a-z-]+)\s*(>=|<=|>|<|=)\s*([^<>=]+)$/.exec(rest.trim());
  if (!m) throw bad('expected <metric><op><value> with op one of > >= < <= =');
  const metric = m[1] as Metric;
  if (!METRICS.includes(metric))
    throw bad(`unknown metric "${m[1]}"; one of ${METRICS.join(', ')}`);
  if (metric === 'dlq' && group !== null) throw bad('dlq is per stream, not per group');
  const value = metric === 'pending-age' ? parseDurationMs(m[3]) : parseCount(m[3]);
  if (value === null)
    throw bad(
      metric === 'pending-age'
        ? `"${m[3]}" is not a duration (30s, 5m, 1h)`
        : `"${m[3]}" is not a whole number`,
    );
  return { text: text.trim(), metric, op: m[2] as Comparison, value, group, stream };
}

export function compare(actual: number, op: Comparison, value: number): boolean {
  switch (op) {
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '=':
      return actual === value;
  }
}

/** One group's facts, as status computed them. */
export interface GroupFacts {
  stream: string;
  /** The stream's name without the prefix (the type for type streams). */
  streamName: string;
  group: string;
  /** Redis's lag, else the counted estimate, else null. */
  lag: number | null;
  pending: number;
  oldestPendingAgeMs: number | null;
  stuck: number;
}

export interface DlqFacts {
  /** The dead-letter stream's event type. */
  type: string;
  length: number;
}

export interface Failure {
  condition: Condition;
  /** `thumbnailer on asset.processed: lag 1,234` */
  detail: string;
}

const fmt = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

const streamMatches = (c: Condition, key: string, name: string) =>
  c.stream === null || c.stream === name || c.stream === key;

/**
 * Scopes naming no group / stream that exists: usage errors (exit 2), one line each. A `dlq`
 * scope may name a dead-letter stream that does not exist yet (it has 0 entries): not an error.
 */
export function unknownScopes(
  conditions: readonly Condition[],
  groups: readonly GroupFacts[],
): string[] {
  const out: string[] = [];
  for (const c of conditions) {
    if (c.group !== null && !groups.some((g) => g.group === c.group)) {
      const names = [...new Set(groups.map((g) => g.group))].sort();
      out.push(
        `--fail-if ${JSON.stringify(c.text)}: no group "${c.group}" (groups: ${names.join(', ') || 'none'})`,
      );
    } else if (
      c.stream !== null &&
      c.metric !== 'dlq' &&
      !groups.some((g) => streamMatches(c, g.stream, g.streamName))
    )
      out.push(`--fail-if ${JSON.stringify(c.text)}: no stream "${c.stream}" with groups`);
  }
  return out;
}

/** Every failed condition with the group (or dead-letter stream) that failed it. */
export function evaluate(
  conditions: readonly Condition[],
  groups: readonly GroupFacts[],
  dlqs: readonly DlqFacts[],
): Failure[] {
  const out: Failure[] = [];
  for (const c of conditions) {
    if (c.metric === 'dlq') {
      const total = dlqs
        .filter((d) => c.stream === null || d.type === c.stream)
        .reduce((n, d) => n + d.length, 0);
      if (compare(total, c.op, c.value))
        out.push({
          condition: c,
          detail: `${fmt(total)} dead letter${total === 1 ? '' : 's'}${c.stream ? ` for ${c.stream}` : ''}`,
        });
      continue;
    }
    for (const g of groups) {
      if (c.group !== null && g.group !== c.group) continue;
      if (!streamMatches(c, g.stream, g.streamName)) continue;
      const where = `${g.group} on ${g.streamName}`;
      if (c.metric === 'lag' && g.lag !== null && compare(g.lag, c.op, c.value))
        out.push({ condition: c, detail: `${where}: lag ${fmt(g.lag)}` });
      if (c.metric === 'pending' && compare(g.pending, c.op, c.value))
        out.push({ condition: c, detail: `${where}: pending ${fmt(g.pending)}` });
      if (
        c.metric === 'pending-age' &&
        g.oldestPendingAgeMs !== null &&
        compare(g.oldestPendingAgeMs, c.op, c.value)
      )
        out.push({
          condition: c,
          detail: `${where}: oldest pending ${ageText(g.oldestPendingAgeMs)}`,
        });
      if (c.metric === 'stuck' && compare(g.stuck, c.op, c.value))
        out.push({
          condition: c,
          detail: `${where}: ${g.stuck} stuck consumer${g.stuck === 1 ? '' : 's'}`,
        });
    }
  }
  return out;
}
