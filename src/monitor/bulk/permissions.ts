/**
 * Before a bulk action sends anything: refuse in read-only mode, and run the kind's ACL probe from
 * the command-kind table (no side effects: every probe targets a key that does not exist).
 * Returns the refusal line, or null.
 */
import { noPermRefusal, readOnlyRefusal, type BulkKind } from '../../core/bulk-kinds.js';
import { commandKind, type CommandKind } from '../../core/command-kinds.js';
import type { BulkContext } from './context.js';

export async function refusalFor(
  ctx: BulkContext,
  kind: BulkKind,
  readOnly: boolean,
): Promise<string | null> {
  if (readOnly) return readOnlyRefusal(kind);
  // undo runs another kind's executor: the caller probes that kind.
  if (kind === 'undo') return null;
  const probes = commandKind(kind as CommandKind).aclProbe(ctx.keys.probeKey);
  const p = ctx.client.pipeline();
  for (const [name, ...args] of probes) p.call(String(name), ...args);
  const res = (await p.exec()) ?? [];
  const denied = probes.find((_, i) => res[i]?.[0] && /NOPERM/.test(res[i][0]!.message));
  return denied ? noPermRefusal(kind, String(denied[0])) : null;
}

/** ACL WHOAMI, or null when the user may not run it (old server, restricted ACL). */
export async function aclUser(ctx: BulkContext): Promise<string | null> {
  try {
    return String(await ctx.client.call('ACL', 'WHOAMI'));
  } catch {
    return null;
  }
}
