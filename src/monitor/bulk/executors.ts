/**
 * The executors of the bulk command kinds (core/command-kinds.ts), for the monitor's commands
 * port: each runs the same bulk function the CLI's plans run. A run that stops part-way (NOGROUP,
 * NOPERM mid-bulk) throws an error whose message says how much was done, so the guard around it
 * reports one line and nothing is half-done silently.
 */
import type { CommandKind } from '../../core/command-kinds.js';
import { StreamscopeError } from '../../core/errors.js';
import { parseSetIdTarget } from '../../core/setid-target.js';
import type { ExecContext, Executor } from '../commands.js';
import { describeServer, secretsOf } from '../connection-guard.js';
import { describeResult, type BulkContext, type BulkResult } from './context.js';
import { DEFAULT_DEAD_LETTER_REASON, deadLetterEntries } from './dead-letter.js';
import { deleteConsumer, planDeleteConsumer } from './consumer-delete.js';
import { deleteDeadLetters, redriveDeadLetters } from './redrive.js';
import { applyPosition, describeSetIdPlan, planSetId } from './setid.js';

type BulkCommandKind = Exclude<CommandKind, 'ack' | 'claim' | 'replay'>;

function bulkContext(ctx: ExecContext): BulkContext {
  return {
    client: ctx.client,
    keys: ctx.keys,
    display: describeServer(ctx.client),
    secrets: secretsOf(ctx.client),
  };
}

/** The result as an executor's answer; a stop part-way becomes an error saying how much was done. */
function answer(verb: string, r: BulkResult, tail = ''): { affected: number; detail: string } {
  const detail = describeResult(verb, r, tail);
  if (r.error) throw new StreamscopeError(r.error.code, detail, { cause: r.error });
  return { affected: r.done, detail };
}

export const BULK_EXECUTORS: Record<BulkCommandKind, Executor> = {
  async deadletter({ stream, group, ids, reason }, ctx) {
    const r = await deadLetterEntries(
      bulkContext(ctx),
      stream,
      group,
      ids,
      reason ?? DEFAULT_DEAD_LETTER_REASON,
    );
    return answer('dead-lettered', r);
  },

  async delconsumer({ stream, group, consumer, moveTo }, ctx) {
    if (!consumer) throw new StreamscopeError('INVALID_ARGUMENT', 'delconsumer needs a consumer');
    const b = bulkContext(ctx);
    const plan = await planDeleteConsumer(b, stream, group, consumer, moveTo ?? null);
    const r = await deleteConsumer(b, plan);
    if (r.error) throw r.error;
    const moved = (r.detail.moved as string[]).length;
    return {
      affected: 1,
      detail: `deleted consumer ${consumer}${moved > 0 ? `; ${moved} entries claimed to ${moveTo}` : ''}`,
    };
  },

  async setid({ stream, group, target }, ctx) {
    const parsed = parseSetIdTarget(target ?? '');
    if (!parsed.ok) throw new StreamscopeError('INVALID_ARGUMENT', parsed.error);
    const b = bulkContext(ctx);
    const plan = await planSetId(b, stream, group, parsed.target);
    await applyPosition(b, stream, group, plan.to);
    return { affected: 1, detail: describeSetIdPlan(plan).summary };
  },

  async redrive({ stream, ids }, ctx) {
    return answer('redrove', await redriveDeadLetters(bulkContext(ctx), stream, ids));
  },

  async 'dlq-delete'({ stream, ids }, ctx) {
    return answer('deleted', await deleteDeadLetters(bulkContext(ctx), stream, ids));
  },
};
