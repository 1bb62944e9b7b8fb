/**
 * The history view's page requests (pure types): where a page of a stream is read from. The
 * view holds a window of a few pages and moves it with these cursors — never the whole stream.
 */

/** Where a page starts: the newest/oldest entries, strictly before/after an ID, or at ≥ an ID. */
export type HistoryAnchor =
  | { kind: 'newest' }
  | { kind: 'oldest' }
  | { kind: 'before'; id: string }
  | { kind: 'after'; id: string }
  | { kind: 'at'; id: string };

export interface HistoryPageRequest {
  /** Full Redis key of the stream. */
  key: string;
  anchor: HistoryAnchor;
  /** Entries per page. */
  count: number;
  /** The view's request number: a reply to an older request is dropped. */
  seq: number;
}

/** Count the entries of a range (inclusive stream IDs) for the view's title. */
export interface HistoryCountRequest {
  key: string;
  from: string;
  to: string;
  seq: number;
}
