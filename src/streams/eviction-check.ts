/**
 * A server whose `maxmemory-policy` is `allkeys-*` (allkeys-lru, allkeys-lfu, allkeys-random)
 * may evict any key when memory runs short — a stream, its consumer groups and their pending
 * entries included, silently: a consumer then sees NOGROUP and recreates the group, the entries
 * are gone. Nothing a client does can prevent that, so the library and the monitor say it once at
 * connect (the `volatile-*` policies only evict keys with a TTL; streams have none).
 * Read from INFO memory, which ACL users without CONFIG may still run; a refusal is no warning.
 */
import type { Redis, Cluster } from 'ioredis';

/** The warning line for this server, or null (a safe policy, or INFO refused). */
export async function evictionWarning(
  client: Redis | Cluster,
  display: string,
): Promise<string | null> {
  let info: string;
  try {
    info = String(await client.info('memory'));
  } catch {
    return null;
  }
  return evictionWarningFromInfo(info, display);
}

export function evictionWarningFromInfo(info: string, display: string): string | null {
  const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1];
  if (!policy || !policy.startsWith('allkeys-')) return null;
  const max = Number(/(?:^|\n)maxmemory:(\d+)/.exec(info)?.[1] ?? 0);
  const limit = max > 0 ? `maxmemory ${max} bytes` : 'maxmemory not set yet';
  return `warning: ${display} has maxmemory-policy ${policy} (${limit}): when memory runs short Redis may evict a stream with its groups and pending entries, and the events are lost. Use noeviction (or a volatile-* policy) for a server that keeps events.`;
}
