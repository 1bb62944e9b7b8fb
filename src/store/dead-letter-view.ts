/**
 * Pane 5's filter and sort (store/table-view.ts): how a dead letter reads to `/` (`type:` is the
 * original stream's type; text: original stream and ID, group, consumer, reason, payload summary)
 * and what `S` cycles. The default order is the one loaded: newest first across every
 * dead-letter stream.
 */
import type { DeadLetterRow } from '../core/messages.js';
import { compareStreamIds } from '../core/stream-id.js';
import type { MatchSubject } from './filter.js';
import { stripPrefix } from './selectors.js';
import type { MonitorState } from './state.js';
import {
  byNumber,
  byText,
  matcherFor,
  paneFilterText,
  paneSortIndex,
  viewRows,
  type SortOption,
} from './table-view.js';

export const DEAD_LETTER_PANE = 'deadletters';

export const DEAD_LETTER_SORTS: readonly SortOption<DeadLetterRow>[] = [
  { column: null, label: 'newest first', dir: 'desc' },
  // AGE ▾: the oldest dead letter (the one waiting longest for a decision) first.
  { column: 'age', label: 'AGE', dir: 'desc', compare: (a, b) => compareStreamIds(a.id, b.id) },
  {
    column: 'deliveries',
    label: 'DELIV',
    dir: 'desc',
    compare: byNumber((r) => r.deliveries, 'desc'),
  },
  { column: 'stream', label: 'STREAM', dir: 'asc', compare: byText((r) => r.originalStream) },
  { column: 'group', label: 'GROUP', dir: 'asc', compare: byText((r) => r.group) },
  { column: 'consumer', label: 'CONSUMER', dir: 'asc', compare: byText((r) => r.consumer) },
  { column: 'reason', label: 'REASON', dir: 'asc', compare: byText((r) => r.reason) },
];

export function deadLetterSubject(prefix: string): (r: DeadLetterRow) => MatchSubject {
  return (r) => {
    const type = stripPrefix(prefix, r.originalStream);
    return {
      type,
      text: [type, r.originalId, r.id, r.group, r.consumer, r.reason, r.summary].join('\u0000'),
    };
  };
}

let cache: {
  rows: readonly DeadLetterRow[];
  prefix: string;
  text: string;
  sort: number;
  out: readonly DeadLetterRow[];
} | null = null;

/** What pane 5 lists: the loaded dead letters filtered by `/` and sorted by `S`. */
export function selectDeadLetterView(state: MonitorState): readonly DeadLetterRow[] {
  const rows = state.deadLetters.rows;
  const prefix = state.config.prefix;
  const text = paneFilterText(state, DEAD_LETTER_PANE);
  const sort = paneSortIndex(state, DEAD_LETTER_PANE);
  if (text === '' && sort === 0) return rows;
  const c = cache;
  if (c && c.rows === rows && c.prefix === prefix && c.text === text && c.sort === sort)
    return c.out;
  const out = viewRows(
    rows,
    matcherFor(text),
    deadLetterSubject(prefix),
    DEAD_LETTER_SORTS[sort] ?? DEAD_LETTER_SORTS[0],
  );
  cache = { rows, prefix, text, sort, out };
  return out;
}
