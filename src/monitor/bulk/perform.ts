/**
 * Run a plan and write its journal line: what was done, the before-state undo needs, the outcome.
 * The TUI and the CLI both call this, so every mutation lands in the same journal the same way.
 */
import type { Journal, JournalRecord } from '../journal.js';
import type { BulkContext, BulkResult, BulkRunOptions } from './context.js';
import type { ActionPlan } from './plans.js';

export interface ActionEnv {
  /** Null: --no-journal. */
  journal: Journal | null;
  /** The server URL (redacted by the journal) and the ACL user. */
  server: string;
  user: string | null;
}

export interface PerformedAction {
  result: BulkResult;
  /** The outcome line, with the journal ID when one was written. */
  summary: string;
  record: JournalRecord | null;
  /** The journal could not be written (the change itself stands). */
  journalError: string | null;
}

export async function performAction(
  ctx: BulkContext,
  plan: ActionPlan,
  env: ActionEnv,
  options: BulkRunOptions = {},
): Promise<PerformedAction> {
  const result = await plan.run(options);
  let summary = plan.describe(result);
  let record: JournalRecord | null = null;
  let journalError: string | null = null;
  if (env.journal) {
    try {
      record = await env.journal.append({
        server: env.server,
        user: env.user,
        verb: plan.kind,
        stream: plan.stream,
        group: plan.group,
        count: plan.ids.length || plan.preview.count,
        ids: plan.ids,
        before: plan.before,
        detail: { ...(plan.beforeDetail ?? {}), ...result.detail },
        outcome: {
          ok: result.error === null,
          cancelled: result.cancelled,
          done: result.done,
          vanished: result.vanished,
          summary,
          ...(result.error ? { errorCode: result.error.code } : {}),
        },
        undoOf: plan.undoOf,
        secrets: ctx.secrets,
      });
      if (result.done > 0) summary += ` (journal ${record.id})`;
    } catch (err) {
      journalError = `could not write the journal ${env.journal.path}: ${(err as Error).message}`;
    }
  }
  return { result, summary, record, journalError };
}
