/**
 * `streamscope journal [--json]` lists the action journal; `streamscope undo <journal id>` undoes
 * one record where Redis allows (claim, setid, deadletter, redrive), with the same preview,
 * --dry-run, --yes and journal line as every other action.
 */
import { sanitize } from '../core/sanitize.js';
import type { BulkKind } from '../core/bulk-kinds.js';
import { planUndo } from '../monitor/bulk/undo.js';
import { Journal, journalPathFromArgs } from '../monitor/journal.js';
import { parseFlags, usageLine, UsageError } from './args.js';
import { BULK_ARGS, bulkCommand, commonUsage, runPlan } from './bulk-cli.js';

export const JOURNAL_HELP = `Usage: streamscope journal [--json] [--journal <file>]

Lists the action journal, oldest first: ID, time, verb, stream, group, count, outcome, user.
Every mutation (monitor or CLI) appends one line to it; undo takes the ID.

  --json             one JSON document { "path": …, "records": [...] }
  --journal <file>   the journal (default: $XDG_STATE_HOME/streamscope/journal.ndjson,
                     else ~/.local/state/streamscope/journal.ndjson)
  -h, --help         this help
`;

export const UNDO_HELP = `Usage: streamscope undo <journal id> [options]

Undoes one journal record where Redis allows it: claim → claim back to the previous owners;
setid → back to the previous position and entries-read; deadletter → redrive; redrive → move the
copies back to the dead-letter stream. ack, consumer delete and dlq delete cannot be undone.

Options:
${commonUsage(20)}`;

export async function runJournal(argv: string[]): Promise<number> {
  let values: { json?: boolean; journal?: string; help?: boolean };
  try {
    ({ values } = parseFlags(argv, {
      json: { type: 'boolean' },
      journal: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    }));
  } catch (err) {
    process.stderr.write(usageLine('journal', err));
    return 2;
  }
  if (values.help) {
    process.stdout.write(JOURNAL_HELP);
    return 0;
  }
  const journal = new Journal(journalPathFromArgs(values)!);
  let listed;
  try {
    listed = await journal.list();
  } catch (err) {
    process.stderr.write(
      `streamscope journal: cannot read ${journal.path}: ${(err as Error).message}\n`,
    );
    return 1;
  }
  // `streamscope journal --json | head -1`: the reader went away (EPIPE); what it read is what it
  // wanted — exit quietly, not with an unhandled 'error' stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    process.stderr.write(`streamscope journal: cannot write the output: ${err.message}\n`);
    process.exit(1);
  });
  const { records, bad } = listed;
  if (bad > 0)
    process.stderr.write(
      `streamscope journal: ${bad} unreadable lines in ${journal.path} skipped\n`,
    );
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ path: journal.path, records }, null, 2)}\n`);
    return 0;
  }
  if (records.length === 0) {
    process.stdout.write(`no actions recorded in ${journal.path}\n`);
    return 0;
  }
  const rows = [['ID', 'TIME', 'VERB', 'STREAM', 'GROUP', 'COUNT', 'OUTCOME', 'USER']];
  for (const r of records)
    rows.push([
      r.id,
      r.time.replace(/\.\d+Z$/, 'Z'),
      r.undoOf ? `undo ${r.undoOf}` : r.verb,
      sanitize(r.stream ?? '-'),
      sanitize(r.group ?? '-'),
      String(r.count),
      sanitize(r.outcome.summary.replace(/ \(journal \S+\)$/, '')),
      sanitize(r.user ?? '?'),
    ]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const text = rows
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
  process.stdout.write(`${records.length} actions in ${journal.path}\n\n${text}\n`);
  return 0;
}

export function runUndo(argv: string[]): Promise<number> {
  return bulkCommand(
    'undo',
    argv,
    BULK_ARGS,
    UNDO_HELP,
    async (v, session, positionals) => {
      if (positionals.length !== 1)
        throw new UsageError('give one journal ID: streamscope undo <journal id>');
      if (!session.env.journal) throw new UsageError('undo reads the journal: drop --no-journal');
      const plan = await planUndo(session.ctx, session.env.journal, positionals[0]);
      const record = await session.env.journal.find(positionals[0]);
      // Probe the kind the undo runs: claim back needs XCLAIM, a setid XGROUP SETID…
      const probe =
        ({ deadletter: 'redrive' } as Record<string, BulkKind>)[record!.verb] ??
        (record!.verb as BulkKind);
      return runPlan('undo', session, v, plan, probe);
    },
    { positionals: true },
  );
}
