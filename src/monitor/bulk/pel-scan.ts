/**
 * Every pending entry of a group that a rule selects: the whole PEL, not one page. XPENDING in
 * pages of 1,000 (IDLE, consumer and the ID range filtered by the server where the rule allows),
 * the start carried past the last ID of each page; matchesRule decides each row.
 */
import { matchesRule, scanBounds, type PelRule } from '../../core/pel-rule.js';
import { parsePendingEntries } from '../../core/parse-info.js';
import { nextStreamId } from '../../core/stream-id.js';
import type { PendingEntry } from '../../core/types.js';
import { toBulkError, type BulkContext } from './context.js';

export interface PelScanOptions {
  /** Rows per XPENDING call. Default 1000. */
  pageSize?: number;
  /** Stop after this many matches. Default: all. */
  limit?: number;
  signal?: AbortSignal;
}

export async function scanPel(
  ctx: Pick<BulkContext, 'client' | 'display' | 'secrets'>,
  stream: string,
  group: string,
  rule: PelRule,
  options: PelScanOptions = {},
): Promise<PendingEntry[]> {
  const bounds = scanBounds(rule);
  if (bounds.empty) return [];
  const page = options.pageSize ?? 1000;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const out: PendingEntry[] = [];
  let start = bounds.start;
  for (;;) {
    if (options.signal?.aborted) break;
    const args: (string | number)[] = [stream, group];
    if (bounds.minIdleMs !== null) args.push('IDLE', bounds.minIdleMs);
    args.push(start, bounds.end, page);
    if (bounds.consumer !== null) args.push(bounds.consumer);
    let rows: PendingEntry[];
    try {
      rows = parsePendingEntries(await ctx.client.call('XPENDING', ...args));
    } catch (err) {
      throw toBulkError(ctx, err);
    }
    for (const row of rows) {
      if (matchesRule(rule, row)) out.push(row);
      if (out.length >= limit) return out;
    }
    if (rows.length < page) break;
    start = nextStreamId(rows[rows.length - 1].id);
  }
  return out;
}
