/**
 * The monitor's state: plain data only, replaced (never mutated) by the reducers. Anything a
 * pane shows is derived from here by selectors.ts.
 */
import type {
  CommandKind,
  DeadLetterRow,
  ErrorInfo,
  LoopName,
  PendingOrder,
  PendingScan,
  ServerFacts,
  StreamSnapshot,
  TailEvent,
} from '../core/messages.js';
import type { PendingEntry, RawFields, SeedEvent } from '../core/types.js';
import type { ActionPreview } from '../core/bulk-kinds.js';
import type { CommandRequest } from '../core/command-kinds.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../core/thresholds.js';
import type { LagHistory } from '../core/lag-history.js';
import type { Layer } from './layers.js';
import type { Selection } from './list.js';
import type { EntryBody } from './pending-view.js';

/** A pane's id ('events', 'streams', 'pending', 'groups'…): the panes are a registry (store/pane-models.ts). */
export type PaneId = string;

/** The library's default MAXLEN for type streams (the global stream gets twice that). */
export const DEFAULT_MAX_LEN = 100_000;
export const DEFAULT_BUFFER = 10_000;
export const DEFAULT_REFRESH_MS = 1000;
/** PEL entries per page (XPENDING COUNT). */
export const DEFAULT_PAGE_SIZE = 100;

export interface MonitorConfig {
  /** Server URL as shown to people: password already masked. */
  url: string;
  prefix: string;
  readOnly: boolean;
  /** Why mutations are refused ("read-only mode (--read-only)", "ACL: no XACK"…). */
  readOnlyReason: string | null;
  /** Mutations the ACL user may not run (the others stay available). */
  deniedCommands: readonly CommandKind[];
  /** Events kept in memory (ring buffer). */
  bufferSize: number;
  /** Snapshot interval, ms. */
  refreshMs: number;
  /** Assumed MAXLEN of type streams; Redis does not store it. */
  maxLenHint: number;
  /** True when maxLenHint is the library default rather than given by the user. */
  maxLenHintIsDefault: boolean;
  /** PEL entries per page. */
  pageSize: number;
  /** `--lag-warn`, `--pending-age-warn`, `--stuck-after`: the `!` mark, the stuck label. */
  thresholds: Thresholds;
}

export interface LoopConnection {
  state: 'connecting' | 'connected' | 'reconnecting';
  attempt: number;
  error: ErrorInfo | null;
  /** Local ms when this state began. */
  since: number;
}

export interface RateBucket {
  /** Whole local seconds since the epoch. */
  sec: number;
  count: number;
}

export interface EventsState {
  /** Oldest first; at most config.bufferSize long. */
  buffer: readonly TailEvent[];
  /** Sequence number of buffer[0]; event n ever received has seq n. */
  firstSeq: number;
  received: number;
  /** Evicted from the ring because the buffer was full. */
  dropped: number;
  /** Skipped by the tail (trimmed before it could read them). */
  missed: number;
  missedReason: string | null;
  lastAt: number | null;
  /** Received counts for the last few seconds (events/s). */
  rate: readonly RateBucket[];
  /**
   * Set while the tail samples (too fast to read every entry): exact rate, the sampling ratio
   * (0 until measured) and why it samples (null: not said).
   */
  sampling: { oneIn: number; perSec: number; reason: string | null } | null;
}

/** While paused, the events pane shows this frozen view; the live buffer keeps filling. */
export interface PausedView {
  buffer: readonly TailEvent[];
  firstSeq: number;
}

export interface EventsView {
  /** Follow the tail: the cursor sticks to the newest row. */
  follow: boolean;
  /**
   * The selected event, by entry ID (identity: stable while rows arrive, slide out of the ring
   * or are filtered away). `seq` is where it was last seen, to find it without a search.
   */
  selected: { id: string; seq: number } | null;
  paused: PausedView | null;
  /** The filter text; while it is typed in, the `filter` layer is open (store/layers.ts). */
  filter: { text: string };
}

export interface SnapshotState {
  /** Local ms of the last successful snapshot, null before the first. */
  at: number | null;
  durationMs: number;
  roundTrips: number;
  server: ServerFacts | null;
  streams: readonly StreamSnapshot[];
  /** Ingest rate per stream key, entries/s, null until two snapshots were seen. */
  rates: Readonly<Record<string, number | null>>;
  /** entriesAdded (or length) per key and server ms of the snapshot, for the next rate. */
  previous: { timeMs: number; added: Readonly<Record<string, number>> } | null;
  /** Last failure after the last success, null when the last attempt succeeded. */
  error: ErrorInfo | null;
  failedAt: number | null;
  /** Per group, the last 10 minutes of lag samples from these snapshots (core/lag-history.ts). */
  lagHistory: LagHistory;
  /** Where Redis's lag is NULL: the counted entries after the group's position (key: groupKey), shown `~n`. */
  lagEstimates: Readonly<Record<string, number>>;
  /** NULL lags that were not counted, with why (key: groupKey). */
  lagUncounted: Readonly<Record<string, string>>;
}

export interface PendingTarget {
  stream: string;
  group: string;
  /** Only this consumer's entries, or the whole group when null. */
  consumer: string | null;
}

export interface PendingRequest extends PendingTarget {
  /** ID order: the page starts after this ID (null: the start of the PEL). */
  afterId: string | null;
  count: number;
  order: PendingOrder;
  /** Most idle first: entries on the pages before this one. */
  offset: number;
}

export interface PendingState {
  target: PendingTarget | null;
  /** True until the person picks a target: follow the group with most pending. */
  auto: boolean;
  /** Most idle first (default) or ID order (o toggles). */
  order: PendingOrder;
  /** Most idle first: how much of the PEL the current page was chosen from. */
  scan: PendingScan | null;
  /** afterId of each page visited (ID order; null for every page most idle first), the current page last. */
  pageStarts: readonly (string | null)[];
  entries: readonly PendingEntry[];
  hasMore: boolean;
  loadedAt: number | null;
  loading: boolean;
  error: ErrorInfo | null;
  marks: readonly string[];
  /**
   * The marks came from `:mark <rule>` over the whole PEL: kept across pages and reloads (an
   * entry gone meanwhile is counted as vanished when acted on). Null: marked by hand (space).
   */
  markRule: string | null;
  /** A `:mark` scan is running for this rule. */
  marking: string | null;
  /** The selected entry, by ID (null: the first row). */
  selected: Selection | null;
  /** Contents of the page's entries (TYPE, PAYLOAD, `/`, Y, e), of `stream` only. */
  bodies: { stream: string | null; byId: Readonly<Record<string, EntryBody | null>> };
}

/**
 * The same event's entry in the other stream (a publish writes a per-type entry and a global
 * copy with IDs of their own), looked up by event_id near the entry's time (store/detail-ids.ts).
 */
export interface Counterpart {
  stream: string;
  /** Its entry ID; null while searching or when not found. */
  id: string | null;
  searching: boolean;
}

/** A pending entry's PEL facts, for its detail view. */
export interface PendingFacts {
  group: string;
  consumer: string;
  idleMs: number;
  deliveries: number;
}

/** A dead letter's facts (its `dlq_*` fields, pane 5), for its detail view. */
export interface DeadLetterFacts {
  /** Where it was pending, and its ID there (the per-type ID, or the global one). */
  originalStream: string;
  originalId: string;
  /** Whether originalStream is the global stream (then the counterpart is the type entry). */
  originalIsGlobal: boolean;
  group: string;
  consumer: string;
  /** Deliveries before it was dead-lettered; null when unknown (deleted while pending). */
  deliveries: number | null;
  reason: string;
}

export type DetailState =
  | { kind: 'event'; stream: string; event: TailEvent; scroll: number; counterpart?: Counterpart }
  | {
      kind: 'entry';
      stream: string;
      id: string;
      loading: boolean;
      fields: RawFields | null;
      event: SeedEvent | null;
      scroll: number;
      pending?: PendingFacts;
      deadLetter?: DeadLetterFacts;
      counterpart?: Counterpart;
    };

export interface ConfirmState {
  command: CommandKind;
  stream: string;
  group: string;
  ids: readonly string[];
  /** consumer: claim is asking for its target; confirm: asking y/n. Once confirmed the dialog closes. */
  step: 'consumer' | 'confirm';
  /** Claim target (typed or picked). */
  consumer: string;
  consumerChoices: readonly string[];
  /** Request fields beyond the entries (setid target, delconsumer moveTo, redrive rate…). */
  extra?: Partial<Omit<CommandRequest, 'kind' | 'stream' | 'group' | 'ids'>>;
  /** What the plan says it will do (asked of the commands port); absent: the kind's own text. */
  preview?:
    | { status: 'loading' }
    | { status: 'ready'; preview: ActionPreview }
    | { status: 'failed'; error: string };
}

/** The `:` command line while it is open. */
export interface CommandLineState {
  text: string;
  /** Tab's candidates for the word being completed (shown under the line when > 1). */
  candidates: readonly string[];
  /** Why the last enter did not run (shown inline; the line stays open to fix it). */
  error: string | null;
  /** Position in ui.commandHistory while walking it with up/down (null: the new line). */
  historyAt: number | null;
}

export interface Notice {
  level: 'info' | 'ok' | 'error';
  text: string;
  at: number;
  /**
   * A command's progress or outcome (a flash): it stays until the next key instead of fading
   * after a few seconds, and never takes a key itself.
   */
  flash?: boolean;
  /** The whole text when `text` is its short first line (a long failure): `enter` shows it. */
  details?: string;
}

/** A confirmed command while it runs: the progress bar (done/total, rate); esc cancels it. */
export interface ProgressState {
  command: CommandKind;
  total: number;
  done: number;
  /** Local ms when it was confirmed, and of the last progress message (the rate). */
  startedAt: number;
  at: number;
  /** esc was pressed: no further batch starts; the outcome says how much was done. */
  cancelling: boolean;
  /** A paced replay (replay-range): its own rate (pauses excluded), ms to go, and paused (`p`). */
  ratePerSec?: number;
  etaMs?: number | null;
  paused?: boolean;
}

export interface UiState {
  pane: PaneId;
  /**
   * The overlays over the pane, bottom first: help, picker, detail, filter line, confirm
   * dialog… The last one is in front and gets the keys; esc pops it (store/layers.ts).
   */
  layers: readonly Layer[];
  /** Rows the list (or text) on screen shows; pgup/pgdn move this many minus one. */
  pageRows: number;
  /** Selected row of list panes that keep it here (streams, groups…), by pane id, by identity. */
  selected: Readonly<Record<string, Selection>>;
  notice: Notice | null;
  progress: ProgressState | null;
  /** Lines run from `:`, oldest first (up/down walk them). */
  commandHistory: readonly string[];
}

/** Pane 5: the dead letters of every `<prefix>dlq:*` stream, newest first. */
export interface DeadLettersState {
  rows: readonly DeadLetterRow[];
  truncated: readonly string[];
  loadedAt: number | null;
  loading: boolean;
  error: ErrorInfo | null;
  /** Marked rows by `<dlq key> <id>`. */
  marks: readonly string[];
  markRule: string | null;
}

/** Panes 2–5: filter text and sort option per pane (store/table-view.ts); pane 1 has view.filter. */
export interface TablesState {
  filters: Readonly<Record<PaneId, string>>;
  /** Index into the pane's sort options; absent: 0, its default (worst first). */
  sort: Readonly<Record<PaneId, number>>;
}

export interface MonitorState {
  config: MonitorConfig;
  /** Local clock, ms; advanced by the store's tick so ages move without timers in components. */
  now: number;
  connection: Record<LoopName, LoopConnection>;
  events: EventsState;
  view: EventsView;
  snapshot: SnapshotState;
  pending: PendingState;
  deadLetters: DeadLettersState;
  tables: TablesState;
  ui: UiState;
  /** With --archive: stream keys that have archived days (ArchivedStreamsListed), else empty. */
  archivedStreams: readonly string[];
}

export function defaultConfig(overrides: Partial<MonitorConfig> = {}): MonitorConfig {
  return {
    url: 'redis://127.0.0.1:6379',
    prefix: 'alice:events:',
    readOnly: false,
    readOnlyReason: null,
    deniedCommands: [],
    bufferSize: DEFAULT_BUFFER,
    refreshMs: DEFAULT_REFRESH_MS,
    maxLenHint: DEFAULT_MAX_LEN,
    maxLenHintIsDefault: true,
    pageSize: DEFAULT_PAGE_SIZE,
    thresholds: DEFAULT_THRESHOLDS,
    ...overrides,
  };
}

export function initialState(config: MonitorConfig, now: number): MonitorState {
  const conn: LoopConnection = { state: 'connecting', attempt: 0, error: null, since: now };
  return {
    config,
    now,
    connection: { tail: conn, poller: conn },
    events: {
      buffer: [],
      firstSeq: 0,
      received: 0,
      dropped: 0,
      missed: 0,
      missedReason: null,
      lastAt: null,
      rate: [],
      sampling: null,
    },
    view: {
      follow: true,
      selected: null,
      paused: null,
      filter: { text: '' },
    },
    snapshot: {
      at: null,
      durationMs: 0,
      roundTrips: 0,
      server: null,
      streams: [],
      rates: {},
      previous: null,
      error: null,
      failedAt: null,
      lagHistory: {},
      lagEstimates: {},
      lagUncounted: {},
    },
    pending: {
      target: null,
      auto: true,
      order: 'idle',
      scan: null,
      pageStarts: [null],
      entries: [],
      hasMore: false,
      loadedAt: null,
      loading: false,
      error: null,
      marks: [],
      markRule: null,
      marking: null,
      selected: null,
      bodies: { stream: null, byId: {} },
    },
    deadLetters: {
      rows: [],
      truncated: [],
      loadedAt: null,
      loading: false,
      error: null,
      marks: [],
      markRule: null,
    },
    tables: { filters: {}, sort: {} },
    archivedStreams: [],
    ui: {
      pane: 'events',
      layers: [],
      pageRows: 10,
      selected: {},
      notice: null,
      progress: null,
      commandHistory: [],
    },
  };
}
