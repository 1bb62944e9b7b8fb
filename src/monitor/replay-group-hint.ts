/**
 * How to consume just the range of a group made by `streamscope replay --new-group`: Redis
 * cannot stop a group at an ID, the library's consumers can (`until`, streams/consume-until.ts).
 * Pure: the CLI prints it after creating the group (and puts it in `--json`).
 */
import type { KeySpace } from '../core/keys.js';
import { GLOBAL_STREAM_SUFFIX } from '../core/keys.js';
import { MAX_SEQ, streamIdToMs } from '../core/stream-id.js';
import type { ReplayPlan, ReplayPreview } from '../streams/replay-plan.js';

/** The `until` to pass, and what it means. */
export interface GroupUntil {
  /** The ID for `until`; null for an open range (`--to +`) whose consumers should not stop. */
  until: string | null;
  /** Why this ID: the range's last entry, or its `--to` (still in the future). */
  why: string;
  /** For an open range: the last entry there is now, to stop at it instead. */
  lastNow: string | null;
}

/**
 * `--to` in the past (or now): the range's last entry — exactly the previewed entries, and the
 * consumer ends right after it (an `until` between entries would wait for the next entry to
 * arrive before it knows nothing more can come). `--to` in the future: `--to` itself (entries
 * still to come belong to the range). `--to +`: no until.
 */
export function groupUntil(plan: ReplayPlan, pv: ReplayPreview, serverNowMs: number): GroupUntil {
  const open = plan.to === `${MAX_SEQ}-${MAX_SEQ}`;
  if (open)
    return {
      until: null,
      why: 'the range is open (--to +): every entry from --from on, also those added later',
      lastNow: pv.lastId,
    };
  if (streamIdToMs(plan.to) > serverNowMs)
    return {
      until: plan.to,
      why: '--to, still ahead on the server clock: entries added until then belong to the range',
      lastNow: null,
    };
  if (pv.lastId) return { until: pv.lastId, why: 'the last entry of the range', lastNow: null };
  return { until: plan.to, why: '--to (the range is empty now)', lastNow: null };
}

/** The lines the CLI prints after `--new-group`: the option, and code that uses it. */
export function groupConsumeHint(
  plan: ReplayPlan,
  keys: KeySpace,
  g: GroupUntil,
): { lines: string[]; code: string | null } {
  const group = plan.target.kind === 'group' ? plan.target.group : '';
  const kind = keys.describe(plan.sourceKey);
  const stream =
    kind.kind === 'type' ? kind.eventType : kind.kind === 'global' ? GLOBAL_STREAM_SUFFIX : null;
  const lines: string[] = [];
  const until = g.until ?? g.lastNow;
  if (g.until) lines.push(`consume just the range: until '${g.until}' (${g.why})`);
  else
    lines.push(
      `${g.why}${g.lastNow ? `; to stop at the last entry there is now: until '${g.lastNow}'` : ''}`,
    );
  if (!stream) {
    lines.push(
      `  the library consumes event types and ${GLOBAL_STREAM_SUFFIX} only: read ${plan.sourceKey} in group "${group}" and stop after ${until ?? 'the last entry you want'}`,
    );
    return { lines, code: null };
  }
  const q = (s: string) => JSON.stringify(s);
  const options = g.until ? `{ until: ${q(g.until)} }` : '{}';
  const code =
    `const p = new EventPersistence({ streamPrefix: ${q(keys.prefix)}, consumerGroup: ${q(group)} });\n` +
    `for await (const d of p.consumeEvents([${q(stream)}], 'worker-1', ${options})) { /* handle d.event */ await d.ack(); }`;
  lines.push(...code.split('\n').map((l) => `  ${l}`));
  if (g.until)
    lines.push(
      `  it ends once the group has finished every entry up to ${g.until}; when done: XGROUP DESTROY ${plan.sourceKey} ${group}`,
    );
  return { lines, code };
}
