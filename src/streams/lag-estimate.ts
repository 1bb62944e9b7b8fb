/**
 * Lag when Redis cannot tell (NULL after deletions or an arbitrary SETID): count the entries after
 * the group's position, server side, but only when that is cheap — at most ESTIMATE_LIMIT entries;
 * beyond that the estimate stays unknown. The script returns a number, so no payload is shipped.
 * Read-only (`no-writes`). Counted entries are those still in the stream: an estimate, shown `~`.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { StreamSnapshot } from '../core/messages.js';
import { groupKey } from '../core/lag-history.js';
import { isClusterClient } from './cluster-client.js';
import { keysByNode } from './cluster.js';

/** Count at most this many entries per group (XRANGE COUNT limit + 1 to tell "more"). */
export const ESTIMATE_LIMIT = 10_000;

const COUNT_SCRIPT = `#!lua flags=no-writes
local r = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', tonumber(ARGV[2]) + 1)
return #r
`;
const COUNT_SHA = createHash('sha1').update(COUNT_SCRIPT).digest('hex');

export interface LagEstimates {
  /** Counted lag per group key (groupKey(stream, group)), only where Redis's lag is NULL. */
  estimates: Record<string, number>;
  /** Groups whose lag is NULL and could not be counted, with why. */
  uncounted: Record<string, string>;
}

/** One pipelined round trip for every group with a NULL lag; nothing when there is none. */
export async function estimateUnknownLags(
  client: Redis,
  streams: readonly StreamSnapshot[],
  limit = ESTIMATE_LIMIT,
): Promise<LagEstimates> {
  const targets: { key: string; stream: string; position: string }[] = [];
  const out: LagEstimates = { estimates: {}, uncounted: {} };
  for (const s of streams)
    for (const g of s.groups)
      if (g.lag === null) {
        const key = groupKey(s.key, g.name);
        if (s.length === 0) out.estimates[key] = 0;
        else targets.push({ key, stream: s.key, position: g.lastDeliveredId });
      }
  if (targets.length === 0) return out;
  if (isClusterClient(client)) {
    // One pipeline per node (a cluster pipeline must stay on one node), merged.
    const byNode = keysByNode(client, [...new Set(targets.map((t) => t.stream))]);
    const parts = await Promise.all(
      [...byNode].map(([node, keys]) =>
        estimateUnknownLags(
          node,
          streams.filter((s) => keys.includes(s.key)),
          limit,
        ),
      ),
    );
    for (const part of parts) {
      Object.assign(out.estimates, part.estimates);
      Object.assign(out.uncounted, part.uncounted);
    }
    return out;
  }
  const p = client.pipeline().script('LOAD', COUNT_SCRIPT);
  for (const t of targets) p.evalsha(COUNT_SHA, 1, t.stream, t.position, limit);
  const res = ((await p.exec()) ?? []) as [Error | null, unknown][];
  targets.forEach((t, i) => {
    const [err, n] = res[i + 1] ?? [new Error('no reply'), null];
    if (err) out.uncounted[t.key] = `not counted: ${err.message.split('\n')[0]}`;
    else if (Number(n) > limit)
      out.uncounted[t.key] = `more than ${limit.toLocaleString('en-US')} to count`;
    else out.estimates[t.key] = Number(n);
  });
  return out;
}
