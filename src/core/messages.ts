/**
 * The monitor's messages: what the background loops (tail, poller, commands) tell the store.
 * Past-tense nouns, plain data only (no class instances, no functions), so reducers are pure
 * and tests build them by hand. Lives in core/ because both monitor/ (emits) and store/
 * (applies) need it, and neither may import the other.
 */
import type { ConsumerInfo, GroupInfo, PendingEntry, RawFields, SeedEvent } from './types.js';
import type { KeyKind } from './keys.js';
import type { ActionPreview } from './bulk-kinds.js';
import type { CommandKind } from './command-kinds.js';
import type { ErrorCode } from './errors.js';
import type { HistoryCountRequest, HistoryPageRequest } from './history-page.js';

export type { CommandKind };

export type LoopName = 'tail' | 'poller';

/** One entry read from the global stream by the tail. */
export interface TailEvent {
  /** Entry ID in the global stream. */
  id: string;
  /** The `type` field of the global entry, else the decoded event type, else null. */
  type: string | null;
  /** Decoded seed event or null (foreign / malformed entry: show raw fields). */
  event: SeedEvent | null;
  /** Raw fields. Values that were not valid UTF-8 are kept as `\xNN` escapes by the tail. */
  fields: RawFields;
  /** Total bytes of field names + values, for "huge entry" handling. */
  bytes: number;
}

export interface ErrorInfo {
  /** Stable code from core/errors.ts (UNREACHABLE, AUTH, NOPERM, TIMEOUT…). */
  code: ErrorCode;
  /** Human-readable, never contains a password. */
  message: string;
}

export interface GroupSnapshot extends GroupInfo {
  consumerList: ConsumerInfo[];
  /** Lowest pending ID (XPENDING summary), null when nothing is pending. */
  oldestPendingId: string | null;
  /** Times the oldest pending entry was delivered (its PEL delivery count), null when unknown or nothing is pending. */
  oldestPendingDeliveries?: number | null;
  /** Age of the oldest entry delivered to no consumer of this group yet (ms, server clock), null when none. */
  oldestUndeliveredAgeMs: number | null;
}

export interface StreamSnapshot {
  key: string;
  kind: KeyKind['kind'];
  /** For type and dead-letter streams. */
  eventType: string | null;
  length: number;
  lastGeneratedId: string;
  firstEntryId: string | null;
  /** Redis ≥ 7.0: total entries ever added (for ingest rate), else null. */
  entriesAdded: number | null;
  maxDeletedEntryId: string | null;
  groups: GroupSnapshot[];
}

/** Redis Cluster: the topology at snapshot time, and where a `--read-from replicas` snapshot read. */
export interface ClusterFacts {
  masters: number;
  replicas: number;
  /**
   * readFrom 'replicas' only: streams this snapshot read from a replica, and from a master because
   * the client's slot map named no replica for their slot (none yet, or none at all).
   */
  replicaReads?: { replicas: number; masters: number };
}

export interface ServerFacts {
  version: string;
  /** `maxmemory-policy`, null when CONFIG is not permitted. */
  maxmemoryPolicy: string | null;
  /** Server clock (ms since epoch) at snapshot time, from TIME. */
  timeMs: number;
  /** Redis Cluster only: masters serving slots and replicas, at snapshot time. */
  cluster?: ClusterFacts;
}

export type MonitorMessage =
  | {
      type: 'EventsReceived';
      events: TailEvent[];
      receivedAt: number;
      /**
       * True for entries held and shown but not counted as arrivals (events/s): entries that were
       * already in the stream when the tail started (`--since`), or a sample (sampling mode, where
       * the exact counts come from entries-added: TailSampled). Absent: live, every entry read.
       */
      history?: boolean;
    }
  /**
   * The tail's mode (monitor/sampler.ts): sampling (only the newest screenful is read each frame;
   * `perSec` is the exact rate from the stream's entries-added, `oneIn` ≈ added ÷ shown) or, with
   * `sampling: false`, back to reading every entry. `oneIn` 0: sampling, ratio not measured yet.
   * `reason`: why it samples, in words ("full read used 0.93 core", "--tail sample"); absent on
   * the sampler's own updates, which keep the reason the switch gave.
   */
  | {
      type: 'TailSampled';
      sampling: boolean;
      oneIn: number;
      perSec: number;
      at: number;
      reason?: string | null;
    }
  /** The tail had to skip entries (trimmed before it could read them). */
  | { type: 'EventsMissed'; count: number; reason: string }
  | {
      type: 'ConnectionChanged';
      loop: LoopName;
      state: 'connecting' | 'connected' | 'reconnecting';
      attempt: number;
      error: ErrorInfo | null;
      at: number;
    }
  | {
      type: 'SnapshotReceived';
      at: number;
      durationMs: number;
      roundTrips: number;
      server: ServerFacts;
      streams: StreamSnapshot[];
      /**
       * Where Redis's lag is NULL: the entries after the group's position, counted when cheap
       * (≤ 10,000; streams/lag-estimate.ts), keyed by groupKey(stream, group). Shown as `~n`.
       */
      lagEstimates?: Record<string, number>;
      /** Groups whose NULL lag was not counted, with why (`more than 10,000 to count`…). */
      lagUncounted?: Record<string, string>;
    }
  | { type: 'SnapshotFailed'; at: number; error: ErrorInfo }
  | {
      type: 'PendingPageReceived';
      stream: string;
      group: string;
      consumer: string | null;
      entries: PendingEntry[];
      startId: string;
      hasMore: boolean;
      at: number;
      /** How the page is ordered; absent: ID order. */
      order?: PendingOrder;
      /** Most-idle-first pages: how much of the PEL was searched. */
      scan?: PendingScan | null;
    }
  | { type: 'PendingPageFailed'; stream: string; group: string; error: ErrorInfo; at: number }
  | {
      type: 'EntryLoaded';
      stream: string;
      id: string;
      fields: RawFields | null;
      event: SeedEvent | null;
      at: number;
    }
  | {
      /** The same event's entry in `toStream` (by event_id near `id`'s time); toId null: not found. */
      type: 'CounterpartFound';
      fromStream: string;
      id: string;
      toStream: string;
      toId: string | null;
      at: number;
    }
  | {
      /** `e` export: entries written so far (progress), then once more with done or error. */
      type: 'ExportProgressed';
      path: string;
      written: number;
      total: number;
      done: boolean;
      /** Entries left out (no longer in the stream, or unreadable). */
      skipped?: number;
      error: string | null;
      at: number;
    }
  /** A page of a stream for the history view (core/history-page.ts), oldest first. */
  | {
      type: 'HistoryPageReceived';
      request: HistoryPageRequest;
      entries: TailEvent[];
      hasOlder: boolean;
      hasNewer: boolean;
      /** With --archive: the stream's first entry in Redis (rows before it were read from the archive; null: none left in Redis). */
      firstLiveId?: string | null;
      at: number;
    }
  | { type: 'HistoryPageFailed'; request: HistoryPageRequest; error: ErrorInfo; at: number }
  /** With --archive: the stream keys that have archived day files (also ones gone from Redis). */
  | { type: 'ArchivedStreamsListed'; keys: readonly string[]; at: number }
  | {
      /** A range count (history view title): progress (done: false), then the result or an error. */
      type: 'HistoryRangeCounted';
      request: HistoryCountRequest;
      count: number;
      /** More than the exact limit (1M): counted part + an estimate, shown with `~`. */
      estimated: boolean;
      done: boolean;
      firstId: string | null;
      lastId: string | null;
      error: string | null;
      at: number;
    }
  | {
      /** Contents of pending entries (pane 3's TYPE and PAYLOAD); null: no longer in the stream. */
      type: 'EntriesLoaded';
      stream: string;
      entries: { id: string; fields: RawFields | null; event: SeedEvent | null }[];
      at: number;
    }
  | {
      type: 'CommandCompleted';
      command: CommandKind;
      /** The entries the request named (0 for a kind that acts on a range, a group, a record). */
      requested: number;
      affected: number;
      detail: string;
      /** What the run covered when the request named no entries (a replayed range's count). */
      total?: number;
      /** Stopped by esc part-way: what was done stays, and `detail` says how much. */
      cancelled?: boolean;
      at: number;
    }
  /** `:mark <rule>`: every pending entry of the group the rule selects (the whole PEL). */
  | {
      type: 'PendingMarked';
      stream: string;
      group: string;
      rule: string;
      ids: string[];
      at: number;
    }
  | {
      type: 'PendingMarkFailed';
      stream: string;
      group: string;
      rule: string;
      error: ErrorInfo;
      at: number;
    }
  /** Pane 5: the newest dead letters of every `<prefix>dlq:*` stream, newest first. */
  | {
      type: 'DeadLettersLoaded';
      rows: DeadLetterRow[];
      /** Streams that had more than were read (only the newest are listed). */
      truncated: string[];
      at: number;
    }
  | { type: 'DeadLettersFailed'; error: ErrorInfo; at: number }
  /** The preview of a command the confirm dialog asks about (setid, delconsumer, undo…). */
  | {
      type: 'CommandPreviewed';
      command: CommandKind;
      preview: ActionPreview | null;
      error: ErrorInfo | null;
      at: number;
    }
  /**
   * A bulk command's progress, after each batch: `done` of `total` items handled (changed or
   * found gone). The store draws the progress bar from it; CommandCompleted/Failed ends it.
   */
  | {
      type: 'CommandProgress';
      command: CommandKind;
      done: number;
      total: number;
      /** A paced replay: entries/s (pauses excluded), ms still to go, and whether it is paused. */
      ratePerSec?: number;
      etaMs?: number | null;
      paused?: boolean;
      at: number;
    }
  | {
      type: 'CommandFailed';
      command: CommandKind;
      requested: number;
      error: ErrorInfo;
      at: number;
    };

/** One dead letter as pane 5 lists it (from a `<prefix>dlq:*` stream). */
export interface DeadLetterRow {
  /** The dead-letter stream it is in. */
  dlqKey: string;
  /** Its ID there (the time it was dead-lettered). */
  id: string;
  originalStream: string;
  originalId: string;
  group: string;
  consumer: string;
  deliveries: number | null;
  reason: string;
  /** The original fields in one line (`event={"n":1}`), cut short; '' for a tombstone. */
  summary: string;
  /** Deleted while pending: only the metadata was kept (cannot be redriven). */
  tombstone: boolean;
  /** The whole dead-letter entry's fields as text (dlq_* and the original's), for `Y` and `e`. */
  fields?: Readonly<Record<string, string>>;
}

/** PEL page order: most idle first (the default view), or entry ID order. */
export type PendingOrder = 'idle' | 'id';

/** How a most-idle-first page was found: PEL entries examined (in ID order), out of at most `limit`. */
export interface PendingScan {
  examined: number;
  /** True when the whole PEL was examined: the order is exact. Else: most idle of the first `examined`. */
  complete: boolean;
  limit: number;
}
