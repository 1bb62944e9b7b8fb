/**
 * `streamscope ack|claim|deadletter --stream <type> --group <g> <selectors>`: act on every
 * pending entry of the group the selectors pick (the whole PEL, not a page). Selectors AND:
 * --consumer <name> --idle '>5m' --deliveries '>=3' --ids <id,…> | --all.
 */
import { ruleFromSelectors } from '../core/pel-rule.js';
import { DEFAULT_DEAD_LETTER_REASON } from '../monitor/bulk/dead-letter.js';
import { planAck, planClaim, planDeadLetter } from '../monitor/bulk/plans.js';
import { UsageError } from './args.js';
import {
  BULK_ARGS,
  bulkCommand,
  commonUsage,
  required,
  runPlan,
  SELECTOR_ARGS,
  streamKeyOf,
} from './bulk-cli.js';

const COL = 24;
const SELECTORS = `Selectors (all given ones must match; at least one, or --all):
  --consumer <name>     held by this consumer
  --idle <cmp><dur>     idle time, e.g. '>5m' ('>' '>=' '<' '<='; units ms s m h d)
  --deliveries <cmp><n> delivery count, e.g. '>=3'
  --ids <id,…>          these entry IDs
  --all                 every pending entry of the group
`;

export const ACK_HELP = `Usage: streamscope ack --stream <type> --group <g> <selectors> [options]

Acknowledges (XACK, up to 1,000 IDs per call) every pending entry the selectors pick.
An acknowledged entry cannot be made pending again: ack cannot be undone.

  --stream <type>       the stream: an event type, "all", or a full key
  --group <g>           the consumer group
${SELECTORS}
Options:
${commonUsage(COL)}`;

export const CLAIM_HELP = `Usage: streamscope claim --stream <type> --group <g> --to <consumer> <selectors> [options]

Claims (XCLAIM … JUSTID in batches of 1,000; delivery counts unchanged) every pending entry the
selectors pick for an existing consumer. Undo: streamscope undo <journal id> claims them back.

  --stream <type>       the stream: an event type, "all", or a full key
  --group <g>           the consumer group
  --to <consumer>       target (an existing consumer; default: the most recently
                        active consumer holding none of the entries)
${SELECTORS}
Options:
${commonUsage(COL)}`;

export const DEADLETTER_HELP = `Usage: streamscope deadletter --stream <type> --group <g> <selectors> [--reason <text>] [options]

Copies every pending entry the selectors pick, byte for byte, to <prefix>dlq:<type> (with its
original ID, group, consumer, delivery count and the reason) and acknowledges it, in one MULTI per
batch: never an ack without the copy. Undo: streamscope undo <journal id> redrives them.

  --stream <type>       the stream: an event type, "all", or a full key
  --group <g>           the consumer group
  --reason <text>       stored with each dead letter (default: "${DEFAULT_DEAD_LETTER_REASON}")
${SELECTORS}
Options:
${commonUsage(COL)}`;

type Verb = 'ack' | 'claim' | 'deadletter';

const HELPS: Record<Verb, string> = {
  ack: ACK_HELP,
  claim: CLAIM_HELP,
  deadletter: DEADLETTER_HELP,
};

const SPECS = {
  ...BULK_ARGS,
  ...SELECTOR_ARGS,
  to: { type: 'string' },
  reason: { type: 'string' },
} as const;

function runVerb(verb: Verb, argv: string[]): Promise<number> {
  return bulkCommand(verb, argv, SPECS, HELPS[verb], async (v, session) => {
    if (verb !== 'claim' && v.to !== undefined) throw new UsageError('--to is for claim only');
    if (verb !== 'deadletter' && v.reason !== undefined)
      throw new UsageError('--reason is for deadletter only');
    const stream = streamKeyOf(session.keys, v.stream);
    const group = required('group', v.group);
    const parsed = ruleFromSelectors(v);
    if (!parsed.ok) throw new UsageError(parsed.error);
    const args = { stream, group, rule: parsed.rule };
    const plan =
      verb === 'ack'
        ? await planAck(session.ctx, args)
        : verb === 'claim'
          ? await planClaim(session.ctx, { ...args, to: v.to ?? null })
          : await planDeadLetter(session.ctx, {
              ...args,
              reason: v.reason ?? DEFAULT_DEAD_LETTER_REASON,
            });
    return runPlan(verb, session, v, plan);
  });
}

export const runAck = (argv: string[]) => runVerb('ack', argv);
export const runClaim = (argv: string[]) => runVerb('claim', argv);
export const runDeadletter = (argv: string[]) => runVerb('deadletter', argv);
