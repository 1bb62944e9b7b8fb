/**
 * Before a bulk action sends anything: refuse in read-only mode, and probe (without side effects:
 * every probe targets a key that does not exist) that the ACL user may run each Redis command the
 * kind sends. Returns the refusal line, or null.
 */
import {
  BULK_KINDS,
  noPermRefusal,
  readOnlyRefusal,
  type BulkKind,
} from '../../core/bulk-kinds.js';
import type { BulkContext } from './context.js';

function probeArgs(command: string, key: string): (string | number)[] {
  switch (command) {
    case 'XACK':
      return ['XACK', key, 'probe', '0-1'];
    case 'XCLAIM':
      return ['XCLAIM', key, 'probe', 'probe', 0, '0-1', 'JUSTID'];
    case 'XADD':
      return ['XADD', key, 'NOMKSTREAM', '*', 'probe', '1'];
    case 'XDEL':
      return ['XDEL', key, '0-1'];
    case 'XGROUP|SETID':
      return ['XGROUP', 'SETID', key, 'probe', '0'];
    case 'XGROUP|DELCONSUMER':
      return ['XGROUP', 'DELCONSUMER', key, 'probe', 'probe'];
    default:
      return ['XINFO', 'STREAM', key];
  }
}

export async function refusalFor(
  ctx: BulkContext,
  kind: BulkKind,
  readOnly: boolean,
): Promise<string | null> {
  if (readOnly) return readOnlyRefusal(kind);
  const commands = BULK_KINDS[kind].redisCommands;
  if (commands.length === 0) return null;
  const key = `${ctx.keys.prefix}__streamscope_probe__`;
  const p = ctx.client.pipeline();
  for (const c of commands) {
    const [name, ...args] = probeArgs(c, key);
    p.call(String(name), ...args);
  }
  const res = (await p.exec()) ?? [];
  const denied = commands.find((_, i) => res[i]?.[0] && /NOPERM/.test(res[i][0]!.message));
  return denied ? noPermRefusal(kind, denied) : null;
}

/** ACL WHOAMI, or null when the user may not run it (old server, restricted ACL). */
export async function aclUser(ctx: BulkContext): Promise<string | null> {
  try {
    return String(await ctx.client.call('ACL', 'WHOAMI'));
  } catch {
    return null;
  }
}
