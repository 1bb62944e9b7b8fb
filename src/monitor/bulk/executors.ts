/**
 * The executors of the bulk command kinds (core/command-kinds.ts), for the monitor's commands
 * port: each builds the same plan the CLI builds (monitor/bulk/plans.ts) and runs it through
 * performAction, so a monitor action writes the same journal line — with the before-state undo
 * needs — as `streamscope <verb>`. A run that stops part-way (NOGROUP, NOPERM mid-bulk) throws a
 * PartialRunError whose message says how much was done, so the guard reports one line and
 * nothing is half-done silently.
 */
import type { CommandKind, CommandRequest } from '../../core/command-kinds.js';
import { StreamscopeError, type ErrorCode } from '../../core/errors.js';
import type { PelRule } from '../../core/pel-rule.js';
import { parseSetIdTarget } from '../../core/setid-target.js';
import type { ExecContext, Executor } from '../commands.js';
import { describeServer, secretsOf } from '../connection-guard.js';
import type { Journal } from '../journal.js';
import type { BulkContext } from './context.js';
import { DEFAULT_DEAD_LETTER_REASON } from './dead-letter.js';
import { performAction } from './perform.js';
import {
  planConsumerDelete,
  planDeadLetter,
  planDlqDelete,
  planGroupSetId,
  planRedrive,
  type ActionPlan,
} from './plans.js';
import { planUndo } from './undo.js';

type BulkCommandKind = Exclude<CommandKind, 'ack' | 'claim' | 'replay' | 'replay-range'>;

/** A bulk run stopped by an error after `done` items: the message says how much was done. */
export class PartialRunError extends StreamscopeError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly done: number,
    cause?: unknown,
    /** The plan already wrote the journal line (with this outcome). */
    readonly journaled = false,
  ) {
    super(code, message, { cause });
    this.name = 'PartialRunError';
  }
}

export function bulkContext(ctx: Pick<ExecContext, 'client' | 'keys'>): BulkContext {
  return {
    client: ctx.client,
    keys: ctx.keys,
    display: describeServer(ctx.client),
    secrets: secretsOf(ctx.client),
  };
}

/** Exactly these entries (marked or selected): the PEL scan reads only their ID range. */
export function idsRule(ids: readonly string[]): PelRule {
  return { terms: [{ kind: 'ids', ids: new Set(ids) }] };
}

/** The plan an executor runs for a request (also the monitor's preview of it). */
export async function planFor(
  request: CommandRequest,
  ctx: Pick<ExecContext, 'client' | 'keys' | 'journal'>,
): Promise<ActionPlan> {
  const b = bulkContext(ctx);
  const { stream, group, ids } = request;
  switch (request.kind as BulkCommandKind) {
    case 'deadletter':
      return planDeadLetter(b, {
        stream,
        group,
        rule: idsRule(ids),
        reason: request.reason ?? DEFAULT_DEAD_LETTER_REASON,
      });
    case 'delconsumer':
      if (!request.consumer)
        throw new StreamscopeError('INVALID_ARGUMENT', 'delconsumer needs a consumer');
      return planConsumerDelete(b, {
        stream,
        group,
        consumer: request.consumer,
        moveTo: request.moveTo ?? null,
        // planFor is the monitor's: a refusal names the `:` line and keys, not --move-to.
        audience: 'monitor',
      });
    case 'setid': {
      const parsed = parseSetIdTarget(request.target ?? '');
      if (!parsed.ok) throw new StreamscopeError('INVALID_ARGUMENT', parsed.error);
      return planGroupSetId(b, { stream, group, target: parsed.target });
    }
    case 'redrive':
      return planRedrive(b, { dlqKey: stream, ids, ratePerSec: request.ratePerSec });
    case 'dlq-delete':
      return planDlqDelete(b, { dlqKey: stream, ids });
    case 'undo': {
      if (!ctx.journal)
        throw new StreamscopeError(
          'INVALID_ARGUMENT',
          'undo needs the journal, and this monitor runs with --no-journal',
        );
      return planUndo(
        b,
        ctx.journal.journal,
        request.journalId ?? (await lastUndoable(ctx.journal.journal)),
      );
    }
  }
}

/** The newest journal record that can still be undone (for a bare `:undo`). */
export async function lastUndoable(journal: Journal): Promise<string> {
  const { records } = await journal.list();
  const undone = new Set(
    records.filter((r) => r.undoOf && r.outcome.done > 0).map((r) => r.undoOf),
  );
  const undoable = new Set(['claim', 'setid', 'deadletter', 'redrive']);
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i];
    if (undoable.has(r.verb) && r.outcome.done > 0 && !undone.has(r.id)) return r.id;
  }
  throw new StreamscopeError(
    'INVALID_ARGUMENT',
    `nothing to undo: no claim, setid, deadletter or redrive in ${journal.path} that is not undone yet`,
  );
}

async function runPlan(request: CommandRequest, ctx: ExecContext) {
  const plan = await planFor(request, ctx);
  const j = ctx.journal;
  const done = await performAction(
    bulkContext(ctx),
    plan,
    { journal: j?.journal ?? null, server: j?.server ?? '', user: j?.user ?? null },
    ctx.run,
  );
  if (done.journalError && j) j.lastError = done.journalError;
  const r = done.result;
  if (r.error) throw new PartialRunError(r.error.code, done.summary, r.done, r.error, true);
  return { affected: r.done, detail: done.summary, journaled: true };
}

export const BULK_EXECUTORS: Record<BulkCommandKind, Executor> = {
  deadletter: runPlan,
  delconsumer: runPlan,
  setid: runPlan,
  redrive: runPlan,
  'dlq-delete': runPlan,
  undo: runPlan,
};
