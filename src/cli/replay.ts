/**
 * `streamscope replay`: copy a range of a stream to a sandbox prefix (default target of the
 * TUI), into the same stream (tagged replayed_from), or create a consumer group just before the
 * range — through the shared mutation path (preview, --dry-run, ask / --yes, exit 2 without a
 * terminal) and the library's replay engine (streams/replay.ts).
 */
import { StreamscopeError, errorCodeOf } from '../core/errors.js';
import { parseRange, parseSpeed, type ReplaySpeed } from '../core/replay-range.js';
import { planReplay, previewReplay, type ReplayTarget } from '../streams/replay-plan.js';
import { runReplay } from '../streams/replay.js';
import {
  describeReplayPreview,
  describeReplayResult,
  replayJournalBefore,
} from '../monitor/replay-range.js';
import { groupConsumeHint, groupUntil } from '../monitor/replay-group-hint.js';
import { clusterUsage, tlsUsage } from './connection-options.js';
import { mutationUsage, runMutation, type MutationPreview } from './mutation-cli.js';
import { openSession, parseOps, serverNowMs } from './stream-ops.js';

const HELP = `Usage: streamscope replay --stream <type|all|dlq:type> --from <id|time> --to <id|time>
         (--to-prefix <prefix> | --same-stream | --new-group <name>)
         [--speed max|1|10] [--types a,b] [--archive <dir>] [--dry-run] [--yes]

Replays the entries of a range. Copies keep the original fields byte for byte.
  --stream <s>         an event type, all (the global stream) or dlq:<type>
  --from, --to <b>     inclusive bounds, read like the monitor's :goto/:range: a stream
                       ID (1732694928060-0), a time with a zone (2026-11-27T07:00:00Z),
                       a local time or date (2026-11-27T07:00, 2026-11-27), a duration
                       ago on the server's clock (2h, "10m ago", --from=-2h), now, - or +
  --to-prefix <p>      copy to <p><type> and <p>all (a sandbox; must not be the live prefix)
  --same-stream        copy into the same stream, each copy tagged replayed_from=<original ID>
                       (consumers of the live stream process the copies again)
  --new-group <name>   create a consumer group just before --from; nothing is copied
                       (Redis delivers every entry from --from on, also after --to: the
                       library's consumers stop at the range's end with until, printed)
  --speed <s>          max (default), 1 (the original pace) or N (N times faster)
  --types <a,b>        with --stream all: only these event types
  --archive <dir>      continue into archived days before the stream's first entry
${mutationUsage(23)}  --url <redis-url>    server (default: REDIS_URL, else redis://127.0.0.1:6379)
${tlsUsage(23)}${clusterUsage(23)}  --prefix <prefix>    live key prefix (default: alice:events:)
  -h, --help           this help
`;

interface ReplayValues {
  stream?: string;
  from?: string;
  to?: string;
  'to-prefix'?: string;
  'same-stream'?: boolean;
  'new-group'?: string;
  speed?: string;
  types?: string;
  archive?: string;
}

function usage(message: string): number {
  process.stderr.write(`streamscope replay: ${message}\n`);
  return 2;
}

function targetOf(v: ReplayValues): ReplayTarget | string {
  const chosen = [v['to-prefix'] !== undefined, v['same-stream'], v['new-group'] !== undefined];
  if (chosen.filter(Boolean).length !== 1)
    return 'choose exactly one target: --to-prefix <p>, --same-stream or --new-group <name>';
  if (v['to-prefix'] !== undefined) return { kind: 'prefix', prefix: v['to-prefix'] };
  if (v['same-stream']) return { kind: 'same' };
  return { kind: 'group', group: v['new-group']! };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOps<ReplayValues>('replay', HELP, argv, {
    stream: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'to-prefix': { type: 'string' },
    'same-stream': { type: 'boolean' },
    'new-group': { type: 'string' },
    speed: { type: 'string' },
    types: { type: 'string' },
    archive: { type: 'string' },
  });
  if (!parsed) return 2;
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!v.stream || v.from === undefined || v.to === undefined)
    return usage('--stream, --from and --to are required (streamscope replay --help)');
  const target = targetOf(v);
  if (typeof target === 'string') return usage(target);
  let speed: ReplaySpeed;
  try {
    speed = parseSpeed(v.speed ?? 'max');
  } catch (err) {
    return usage((err as Error).message);
  }
  const types = v.types
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  let session;
  try {
    session = await openSession('replay', v);
  } catch (err) {
    process.stderr.write(`streamscope replay: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    const nowMs = await serverNowMs(session.client);
    const range = parseRange(v.from, v.to, nowMs);
    const plan = await planReplay(session.client, session.keys, {
      stream: v.stream,
      ...range,
      target,
      types,
      archiveDir: v.archive,
    });
    const pv = await previewReplay(session.client, plan);
    // The monitor's `R` dialog shows the same preview (monitor/replay-range.ts).
    const preview: MutationPreview = {
      ...describeReplayPreview(plan, pv, speed),
      data: { plan: { ...plan }, preview: pv },
    };
    return await runMutation({
      command: 'replay',
      flags: v,
      preview,
      refusal: v['read-only'] ? 'read-only: replay changes data (--read-only)' : null,
      apply: async (progress, signal) => {
        const journal = (ok: boolean, cancelled: boolean, done: number, summary: string) =>
          session.journal({
            verb: 'replay',
            stream: plan.sourceKey,
            group: target.kind === 'group' ? target.group : null,
            count: pv.count,
            before: replayJournalBefore(range, target, speed, types ?? null, 'cli'),
            outcome: { ok, cancelled, done, vanished: 0, summary },
          });
        let res;
        try {
          res = await runReplay(session.client, session.keys, plan, {
            speed,
            signal,
            total: pv.count,
            lastId: pv.lastId,
            onProgress: (p) => progress({ done: p.done, total: pv.count }),
          });
        } catch (err) {
          const message = session.describe(err);
          await journal(false, false, 0, `failed: ${message}`);
          throw new StreamscopeError(errorCodeOf(err), message, { cause: err });
        }
        const summary = describeReplayResult(plan, res, pv.count);
        await journal(true, res.cancelled, res.replayed, summary);
        if (target.kind !== 'group')
          return { ok: true, cancelled: res.cancelled, summary, data: { result: res } };
        // Redis cannot stop a group at an ID; the library's consumers can: say how.
        const g = groupUntil(plan, pv, nowMs);
        const hint = groupConsumeHint(plan, session.keys, g);
        return {
          ok: true,
          cancelled: res.cancelled,
          summary: [summary, ...hint.lines].join('\n'),
          data: { result: res, consume: { ...g, group: target.group, code: hint.code } },
        };
      },
    });
  } catch (err) {
    process.stderr.write(`streamscope replay: ${session.describe(err)}\n`);
    return 1;
  } finally {
    session.close();
  }
}
