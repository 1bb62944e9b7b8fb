/**
 * `streamscope group setid --stream <type> --group <g> --to <0|$|id|time|group:<other>>` and
 * `streamscope consumer delete --stream <type> --group <g> --consumer <name> [--move-to <c>]`.
 */
import { parseSetIdTarget } from '../core/setid-target.js';
import { planConsumerDelete, planGroupSetId } from '../monitor/bulk/plans.js';
import { UsageError } from './args.js';
import { BULK_ARGS, bulkCommand, commonUsage, required, runPlan, streamKeyOf } from './bulk-cli.js';

const COL = 24;

export const SETID_HELP = `Usage: streamscope group setid --stream <type> --group <g> --to <target> [options]

Moves the group's position (XGROUP SETID). The preview says how many entries will be delivered
again or skipped; pending entries are unaffected. ENTRIESREAD is set when it can be computed, so
lag stays known. Undo: streamscope undo <journal id> moves it back.

  --stream <type>       the stream: an event type, "all", or a full key
  --group <g>           the consumer group
  --to <target>         0 (the start), $ (the end), a stream ID, a time before now
                        (-1h, -30m; server clock), an ISO time (2026-12-01T10:40Z),
                        or group:<other> (another group's position)

Options:
${commonUsage(COL)}`;

export const CONSUMER_DELETE_HELP = `Usage: streamscope consumer delete --stream <type> --group <g> --consumer <name> [--move-to <consumer>] [options]

Deletes a consumer (XGROUP DELCONSUMER). One that still holds pending entries is refused, since
deleting it would drop them, unless --move-to claims them to another consumer first. Cannot be undone.

  --stream <type>       the stream: an event type, "all", or a full key
  --group <g>           the consumer group
  --consumer <name>     the consumer to delete
  --move-to <consumer>  claim its pending entries to this existing consumer first

Options:
${commonUsage(COL)}`;

const SETID_SPECS = {
  ...BULK_ARGS,
  stream: { type: 'string' },
  group: { type: 'string' },
  to: { type: 'string' },
} as const;
const DELETE_SPECS = {
  ...BULK_ARGS,
  stream: { type: 'string' },
  group: { type: 'string' },
  consumer: { type: 'string' },
  'move-to': { type: 'string' },
} as const;

function subcommand(
  name: string,
  argv: string[],
  table: Record<string, (argv: string[]) => Promise<number>>,
): Promise<number> {
  const [sub, ...rest] = argv;
  const run = sub === undefined ? undefined : table[sub];
  if (!run) {
    const which = Object.keys(table).join('|');
    if (sub === '-h' || sub === '--help') {
      process.stdout.write(
        `Usage: streamscope ${name} ${which} [options]; streamscope ${name} <${which}> --help\n`,
      );
      return Promise.resolve(0);
    }
    process.stderr.write(
      `streamscope ${name}: ${sub === undefined ? 'missing' : `unknown subcommand ${JSON.stringify(sub)}; expected`} ${which} (see streamscope ${name} ${Object.keys(table)[0]} --help)\n`,
    );
    return Promise.resolve(2);
  }
  return run(rest);
}

export { subcommand };

export function runGroup(argv: string[]): Promise<number> {
  return subcommand('group', argv, {
    setid: (rest) =>
      bulkCommand('group setid', rest, SETID_SPECS, SETID_HELP, async (v, session) => {
        const stream = streamKeyOf(session.keys, v.stream);
        const group = required('group', v.group);
        const parsed = parseSetIdTarget(required('to', v.to));
        if (!parsed.ok) throw new UsageError(parsed.error.replace(/^setid: /, '--to: '));
        const plan = await planGroupSetId(session.ctx, { stream, group, target: parsed.target });
        return runPlan('group setid', session, v, plan);
      }),
  });
}

export function runConsumer(argv: string[]): Promise<number> {
  return subcommand('consumer', argv, {
    delete: (rest) =>
      bulkCommand(
        'consumer delete',
        rest,
        DELETE_SPECS,
        CONSUMER_DELETE_HELP,
        async (v, session) => {
          const plan = await planConsumerDelete(session.ctx, {
            stream: streamKeyOf(session.keys, v.stream),
            group: required('group', v.group),
            consumer: required('consumer', v.consumer),
            moveTo: v['move-to'] ?? null,
          });
          return runPlan('consumer delete', session, v, plan);
        },
      ),
  });
}
