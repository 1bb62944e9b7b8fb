/**
 * What the store may ask of the outside world. cli/ wires real implementations from monitor/;
 * tests pass fakes. Each method resolves after it has emitted its result message, and never
 * rejects: failures arrive as CommandFailed / PendingPageFailed messages.
 */
import type { CommandKind, CommandRequest } from './command-kinds.js';
import type { PendingOrder } from './messages.js';
import type { HistoryCountRequest, HistoryPageRequest } from './history-page.js';

export interface CommandRunOptions {
  /** Aborted: no further batch starts (esc in the monitor). */
  signal?: AbortSignal;
}

export interface MonitorCommandsPort {
  /** True when mutations are refused (--read-only or missing ACL permission). */
  readonly readOnly: boolean;
  /** Why mutations are refused, for the UI ("read-only mode", "ACL: no XACK"…), else null. */
  readonly readOnlyReason: string | null;
  /**
   * Mutations the ACL user may not run (learned from a probe or a NOPERM reply), refused
   * without contacting Redis. Absent: none beyond readOnly. Read it again after each command.
   */
  readonly deniedCommands?: ReadonlySet<CommandKind>;
  /**
   * Run one command (ack, claim, replay… — the kinds of core/command-kinds.ts) through its
   * executor. A bulk command emits CommandProgress after each batch and checks `signal` between
   * batches (a batch that started finishes; the outcome says how much was done). Emits exactly
   * one CommandCompleted or CommandFailed; never rejects.
   */
  run(request: CommandRequest, options?: CommandRunOptions): Promise<void>;
  /**
   * Pause, resume or step (one entry while paused) the running paced command — a replayed
   * range. Ignored when none runs. Absent: the monitor cannot pause.
   */
  control?(op: 'pause' | 'resume' | 'step'): void;
  /**
   * Read what `request` would do (the plan's preview: counts, positions, owners) without
   * changing anything; emits one CommandPreviewed. Absent: the dialog shows the kind's own text.
   */
  preview?(request: CommandRequest): Promise<void>;
}

export interface MonitorQueriesPort {
  /**
   * One PEL page, optionally for one consumer. ID order (the default): IDs > afterId, or from the
   * start when null. `order: 'idle'`: the `count` most idle entries after skipping the `offset`
   * more idle ones (page n: offset n × count), found by a bounded scan of the PEL.
   */
  loadPendingPage(
    stream: string,
    group: string,
    options: {
      afterId: string | null;
      count: number;
      consumer: string | null;
      /** Only entries idle ≥ this many ms (XPENDING IDLE). */
      minIdleMs?: number | null;
      order?: PendingOrder;
      /** Most idle first: entries to skip (the pages before this one). */
      offset?: number;
    },
  ): Promise<void>;
  /**
   * `:mark <rule>`: scan the whole PEL of the group (not one page) for the entries the rule
   * (core/pel-rule.ts) selects; emits PendingMarked or PendingMarkFailed.
   */
  markPending?(stream: string, group: string, rule: string): Promise<void>;
  /** Pane 5: list the dead letters (DeadLettersLoaded / DeadLettersFailed). */
  loadDeadLetters?(): Promise<void>;
  /** Fetch one entry in full (detail view of a pending entry). */
  loadEntry(stream: string, id: string): Promise<void>;
  /**
   * Fetch several entries (a PEL page's, for pane 3's TYPE and PAYLOAD columns, its filter and
   * export); emits one EntriesLoaded. Absent: the columns stay empty.
   */
  loadEntries?(stream: string, ids: readonly string[]): Promise<void>;
  /**
   * One page of a whole stream for the history view (XRANGE / XREVRANGE from a cursor, not the
   * live buffer); emits HistoryPageReceived or HistoryPageFailed. Absent: no history view.
   */
  loadHistoryPage?(request: HistoryPageRequest): Promise<void>;
  /**
   * Count a history range in pages (exact up to 1M entries, else estimated); emits
   * HistoryRangeCounted as it goes. A new count cancels the one running. Absent: the title counts
   * only the loaded window.
   */
  countHistoryRange?(request: HistoryCountRequest): Promise<void>;
  /** Stop the running range count between two pages (nothing more is emitted for it). */
  cancelHistoryCount?(): void;
  /**
   * With --archive: list the stream keys under the prefix that have archived day files; emits one
   * ArchivedStreamsListed (`:history` offers them, also streams trimmed away entirely).
   * Absent (or no archive): nothing.
   */
  listArchivedStreams?(): Promise<void>;
  /**
   * The entry of `toStream` holding the event `eventId` that `id` (in `fromStream`) holds: the
   * per-type entry of a global one or the reverse, searched near `id`'s time. Emits one
   * CounterpartFound. Absent: the detail view shows only the ID it has.
   */
  findCounterpart?(
    fromStream: string,
    id: string,
    eventId: string,
    toStream: string,
  ): Promise<void>;
}

/** One entry to export: its stream, ID and raw fields (as text, as the monitor holds them). */
export interface ExportRecord {
  stream: string;
  id: string;
  fields: Readonly<Record<string, string>>;
}

/**
 * The monitor's local outputs: the clipboard and export files. Never throws, never rejects.
 */
export interface MonitorFilesPort {
  /** Copy `text` (OSC 52, or a file when the terminal cannot); returns the notice to show. */
  copy(text: string, what: string): string;
  /**
   * Write `records` as NDJSON to a new file under the state dir (`name` is part of its name);
   * emits ExportProgressed while writing and once done (or failed).
   */
  exportEntries(name: string, records: readonly ExportRecord[]): Promise<void>;
}
