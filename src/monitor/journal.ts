/**
 * The action journal: every mutation (TUI or CLI) appends one JSON line to
 * `$XDG_STATE_HOME/streamscope/journal.ndjson` (default `~/.local/state/streamscope/…`). A line
 * holds what was done, to what, by whom, and the before-state `streamscope undo` needs. More than
 * JOURNAL_INLINE_IDS IDs go to a side file `journal.d/<id>.json` next to the journal, so a line
 * stays small. The server is always written redacted; messages are scrubbed of secrets.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { redactUrl, scrub } from '../core/errors.js';

/** IDs (and per-ID before-state) kept inline in a journal line; beyond this, a side file. */
export const JOURNAL_INLINE_IDS = 1000;

export interface JournalOutcome {
  ok: boolean;
  cancelled: boolean;
  /** Entries (or units) changed. */
  done: number;
  /** Entries that had vanished (acked, deleted) by the time their batch ran: counted, not errors. */
  vanished: number;
  /** One line, as the CLI/TUI showed it. */
  summary: string;
  /** Error code when it failed (NOPERM, NOGROUP…). */
  errorCode?: string;
}

/** What the caller knows; the journal adds id, time, and moves big lists to a side file. */
export interface JournalEntryInput {
  /** Where: the URL (redacted here) and the ACL user (ACL WHOAMI; null when unknown). */
  server: string;
  user: string | null;
  verb: string;
  stream: string | null;
  group: string | null;
  /** Entries asked for. */
  count: number;
  ids: readonly string[];
  /** What undo needs (previous owners, previous position…); per-ID parts belong in `detail`. */
  before: Record<string, unknown> | null;
  /** Per-ID facts (previous owner, dead-letter ID created…), moved to the side file with `ids`. */
  detail?: Record<string, unknown> | null;
  outcome: JournalOutcome;
  /** The journal ID this action undid. */
  undoOf?: string;
  /** Secrets to scrub from every string (passwords). */
  secrets?: readonly (string | undefined)[];
}

export interface JournalRecord {
  id: string;
  time: string;
  server: string;
  user: string | null;
  verb: string;
  stream: string | null;
  group: string | null;
  count: number;
  ids?: string[];
  /** Side file (relative to the journal's folder) holding `ids` and `detail`. */
  idsFile?: string;
  before: Record<string, unknown> | null;
  detail?: Record<string, unknown> | null;
  outcome: JournalOutcome;
  undoOf?: string;
}

/** `$XDG_STATE_HOME/streamscope/journal.ndjson`, else `~/.local/state/streamscope/journal.ndjson`. */
export function defaultJournalPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'streamscope', 'journal.ndjson');
}

/** `--no-journal` → null; `--journal <file>` → that file; else the default path. */
export function journalPathFromArgs(
  values: { journal?: string; 'no-journal'?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  if (values['no-journal']) return null;
  return values.journal ?? defaultJournalPath(env);
}

function newId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

function scrubDeep<T>(value: T, secrets: readonly (string | undefined)[]): T {
  if (secrets.every((s) => !s)) return value;
  return JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
    typeof v === 'string' ? scrub(v, secrets) : v,
  ) as T;
}

export class Journal {
  constructor(readonly path: string) {}

  /** Append one line (and a side file for big lists). Returns the record as written. */
  async append(input: JournalEntryInput, now = new Date()): Promise<JournalRecord> {
    const secrets = input.secrets ?? [];
    const id = newId(now);
    const record: JournalRecord = {
      id,
      time: now.toISOString(),
      server: scrub(redactUrl(input.server), secrets),
      user: input.user,
      verb: input.verb,
      stream: input.stream,
      group: input.group,
      count: input.count,
      before: input.before,
      outcome: input.outcome,
    };
    if (input.undoOf) record.undoOf = input.undoOf;
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    if (input.ids.length > JOURNAL_INLINE_IDS) {
      const rel = join('journal.d', `${id}.json`);
      await mkdir(join(dirname(this.path), 'journal.d'), { recursive: true, mode: 0o700 });
      const side = scrubDeep({ ids: input.ids, detail: input.detail ?? null }, secrets);
      await writeFile(join(dirname(this.path), rel), JSON.stringify(side), { mode: 0o600 });
      record.idsFile = rel;
    } else {
      record.ids = [...input.ids];
      record.detail = input.detail ?? null;
    }
    const line = JSON.stringify(scrubDeep(record, secrets));
    await appendFile(this.path, `${line}\n`, { mode: 0o600 });
    return JSON.parse(line) as JournalRecord;
  }

  /** Every record, oldest first; a line that does not parse is skipped (reported in `bad`). */
  async list(): Promise<{ records: JournalRecord[]; bad: number }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return { records: [], bad: 0 };
      throw err;
    }
    const records: JournalRecord[] = [];
    let bad = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const r = JSON.parse(line) as JournalRecord;
        if (typeof r.id === 'string' && typeof r.verb === 'string') records.push(r);
        else bad++;
      } catch {
        bad++;
      }
    }
    return { records, bad };
  }

  async find(id: string): Promise<JournalRecord | null> {
    const { records } = await this.list();
    return records.find((r) => r.id === id) ?? null;
  }

  /** The IDs and per-ID detail of a record, from the line or its side file. */
  async load(
    record: JournalRecord,
  ): Promise<{ ids: string[]; detail: Record<string, unknown> | null }> {
    if (!record.idsFile) return { ids: record.ids ?? [], detail: record.detail ?? null };
    const side = JSON.parse(await readFile(join(dirname(this.path), record.idsFile), 'utf8')) as {
      ids: string[];
      detail: Record<string, unknown> | null;
    };
    return side;
  }
}
