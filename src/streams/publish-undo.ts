/** Undoing half of a publish whose MULTI failed on one key (see EventPersistence.persistEvent). */
import { StreamscopeError } from '../core/errors.js';
import { toError, type PersistenceContext } from './context.js';

/**
 * Remove the entry one half of a failed publish wrote; if that XADD created the stream (now
 * empty, one entry ever added, no groups: Redis ≥ 7.0 reports entries-added), delete the key too,
 * all in one script so a concurrent publish is never lost. Best effort: without scripting (ACL,
 * Redis 6.2) only the entry is removed.
 */
const UNDO_XADD = `
redis.call('XDEL', KEYS[1], ARGV[1])
if redis.call('XLEN', KEYS[1]) ~= 0 then return 0 end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local added, groups
for i = 1, #info, 2 do
  if info[i] == 'entries-added' then added = info[i + 1] end
  if info[i] == 'groups' then groups = info[i + 1] end
end
if added == 1 and groups == 0 then return redis.call('DEL', KEYS[1]) end
return 0`;

export async function undoXadd(ctx: PersistenceContext, key: string, id: string): Promise<void> {
  try {
    await ctx.client.eval(UNDO_XADD, 1, key, id);
  } catch {
    await ctx.client.xdel(key, id).catch(() => 0);
  }
}

export function publishError(ctx: PersistenceContext, key: string, err: unknown): StreamscopeError {
  const e = toError(ctx, err);
  if (e.code !== 'WRONGTYPE') return e;
  return new StreamscopeError(
    'WRONGTYPE',
    `${key} at ${ctx.display} is not a stream (it holds another type): nothing was published. Rename or delete that key, or use another stream prefix.`,
  );
}
