/**
 * The one way a CLI command changes data: print the preview, then refuse (`--read-only`, ACL),
 * stop (`--dry-run`), ask (a TTY without `--yes`), refuse with exit 2 (no TTY, no `--yes`), or
 * apply with a progress line and print the outcome. Every mutating verb (ack, claim, deadletter,
 * consumer delete, group setid, dlq redrive|delete, undo, and replay/archive/restore) goes
 * through runMutation, so they all behave — and exit — the same way.
 *
 * Exit codes: 0 applied, dry run, or nothing to do; 1 refused (read-only, ACL) or failed (the
 * outcome says how much was done); 2 not confirmed (no TTY without --yes, or the answer was no);
 * 130 cancelled with ctrl+c between batches (what was done stays done, the outcome says how much).
 */
import { createInterface } from 'node:readline';

/** Flag specs (cli/args.ts) every mutating command takes (spread them into its own). */
export const MUTATION_ARGS = {
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  'read-only': { type: 'boolean' },
  journal: { type: 'string' },
  'no-journal': { type: 'boolean' },
} as const;

export interface MutationArgValues {
  'dry-run'?: boolean;
  yes?: boolean;
  json?: boolean;
  'read-only'?: boolean;
  journal?: string;
  'no-journal'?: boolean;
}

/** Help lines for MUTATION_ARGS, the description starting at column `column` (0-based). */
export function mutationUsage(column: number): string {
  const line = (flag: string, text: string) => `${`  ${flag}`.padEnd(column)}${text}\n`;
  return (
    line('--dry-run', 'print the preview and change nothing (exit 0)') +
    line('--yes, -y', 'apply without asking (needed when there is no terminal)') +
    line('--json', 'print one JSON document: preview, outcome') +
    line('--read-only', 'refuse every change (the preview still prints)') +
    line('--journal <file>', 'action journal (default: $XDG_STATE_HOME/streamscope/') +
    `${' '.repeat(column)}journal.ndjson, else ~/.local/state/streamscope/…)\n` +
    line('--no-journal', 'do not record this action in the journal')
  );
}

export interface MutationPreview {
  /** One line: what will happen, to how many, where ("ack 500 entries of s in group g"). */
  summary: string;
  /** Further lines (target, vanished, position change…), shown indented under the summary. */
  details: string[];
  /** How many entries (or units) the change touches; 0 means nothing to do. */
  count: number;
  /** Whether `streamscope undo` can reverse it; the preview says so either way. */
  undoable: boolean;
  /** Why it cannot be undone (shown when undoable is false). */
  undoNote?: string;
  /** Machine-readable facts for --json. */
  data?: Record<string, unknown>;
}

export interface MutationProgress {
  done: number;
  total: number;
}

export interface MutationOutcome {
  /** False when the change failed part-way or entirely (exit 1). */
  ok: boolean;
  /** True when it stopped because it was cancelled between batches (exit 130). */
  cancelled?: boolean;
  /** One line: how much was done, and why it stopped if it did. */
  summary: string;
  data?: Record<string, unknown>;
}

export interface MutationIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when a person can answer a question (stdin and stderr are terminals). */
  interactive: boolean;
  /** Ask one question; resolves with the answer line, or null when stdin ended. */
  ask(question: string): Promise<string | null>;
  /** Register a handler for ctrl+c while applying; returns the function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

export interface RunMutationOptions {
  /** Command name for messages ("ack", "group setid"). */
  command: string;
  flags: MutationArgValues;
  preview: MutationPreview;
  /** Non-null: the change is refused (read-only mode, missing ACL permission), with this reason. */
  refusal?: string | null;
  /** Do the change; report progress between batches; stop between batches once `signal` aborts. */
  apply(progress: (p: MutationProgress) => void, signal: AbortSignal): Promise<MutationOutcome>;
  io?: MutationIo;
}

export function processIo(): MutationIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    ask: (question) =>
      new Promise((resolve) => {
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        let answered = false;
        rl.question(question, (answer) => {
          answered = true;
          rl.close();
          resolve(answer);
        });
        rl.on('close', () => {
          if (!answered) resolve(null);
        });
      }),
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      return () => void process.off('SIGINT', handler);
    },
  };
}

/** The preview as text lines (also what the TUI's confirm dialog can show). */
export function previewLines(p: MutationPreview): string[] {
  const undo = p.undoable
    ? 'can be undone: streamscope undo <journal id>'
    : `cannot be undone${p.undoNote ? ` (${p.undoNote})` : ''}`;
  return [p.summary, ...p.details.map((d) => `  ${d}`), ...(p.count > 0 ? [`  ${undo}`] : [])];
}

function rateText(done: number, startedMs: number): string {
  const s = (Date.now() - startedMs) / 1000;
  return s > 0 ? `${Math.round(done / s).toLocaleString('en-US')}/s` : '';
}

export async function runMutation(options: RunMutationOptions): Promise<number> {
  const io = options.io ?? processIo();
  const { flags, preview, command } = options;
  const json = Boolean(flags.json);
  const report = (doc: Record<string, unknown>) =>
    io.stdout(`${JSON.stringify({ command, preview, ...doc }, null, 2)}\n`);
  if (!json) io.stdout(`${previewLines(preview).join('\n')}\n`);

  const refusal = options.refusal ?? null;
  if (flags['dry-run']) {
    const note = refusal ? ` (it would be refused: ${refusal})` : '';
    if (json) report({ dryRun: true, applied: false, refused: refusal, outcome: null });
    else io.stderr(`streamscope ${command}: dry run: nothing was changed${note}\n`);
    return 0;
  }
  if (refusal) {
    if (json) report({ dryRun: false, applied: false, refused: refusal, outcome: null });
    io.stderr(`streamscope ${command}: ${refusal}\n`);
    return 1;
  }
  if (preview.count === 0) {
    if (json) report({ dryRun: false, applied: false, refused: null, outcome: null });
    else io.stderr(`streamscope ${command}: nothing to do\n`);
    return 0;
  }
  if (!flags.yes) {
    if (!io.interactive) {
      if (json) report({ dryRun: false, applied: false, refused: 'not confirmed', outcome: null });
      io.stderr(
        `streamscope ${command}: not applied: no terminal to ask; pass --yes to apply or --dry-run to preview. Nothing was changed.\n`,
      );
      return 2;
    }
    const answer = await io.ask(`Apply? [y/N] `);
    if (!/^y(es)?$/i.test((answer ?? '').trim())) {
      if (json) report({ dryRun: false, applied: false, refused: 'not confirmed', outcome: null });
      io.stderr(`streamscope ${command}: not applied. Nothing was changed.\n`);
      return 2;
    }
  }

  const controller = new AbortController();
  const off = io.onInterrupt(() => controller.abort());
  const started = Date.now();
  let shown = false;
  const progress = (p: MutationProgress) => {
    if (json || !io.interactive) return;
    shown = true;
    io.stderr(`\r  ${p.done}/${p.total}  ${rateText(p.done, started)}   `);
  };
  let outcome: MutationOutcome;
  try {
    outcome = await options.apply(progress, controller.signal);
  } catch (err) {
    outcome = { ok: false, summary: `failed: ${(err as Error).message}` };
  } finally {
    off();
  }
  if (shown) io.stderr('\n');
  if (json) report({ dryRun: false, applied: true, refused: null, outcome });
  else io.stdout(`${outcome.summary}\n`);
  if (outcome.cancelled) return 130;
  return outcome.ok ? 0 : 1;
}
