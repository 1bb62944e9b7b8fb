/**
 * Pane 3's filter and sort (store/table-view.ts): how a pending entry reads to `/` (its ID,
 * consumer, and — once its content is loaded — its event type and payload) and what `S` cycles.
 * The default order is the page's own: most idle first (worst first: an entry held by a stuck
 * consumer is idle at least --stuck-after), or entry ID order after `o`.
 */
import { compareStreamIds } from '../core/stream-id.js';
import type { PendingEntry, RawFields, SeedEvent } from '../core/types.js';
import type { MatchSubject } from './filter.js';
import type { MonitorState } from './state.js';
import { byNumber, byText, type SortOption } from './table-view.js';

/** A pending entry's content, read with XRANGE after its page arrived (null: no longer in the stream). */
export interface EntryBody {
  /** The `type` field, else the decoded event type, else null. */
  type: string | null;
  fields: RawFields;
  event: SeedEvent | null;
}

export const PENDING_SORTS: readonly SortOption<PendingEntry>[] = [
  { column: null, label: 'as loaded (o: most idle first ⇄ ID order)', dir: 'desc' },
  {
    column: 'deliveries',
    label: 'DELIVERED',
    dir: 'desc',
    compare: byNumber((e) => e.deliveries, 'desc'),
  },
  { column: 'idle', label: 'IDLE', dir: 'desc', compare: byNumber((e) => e.idleMs, 'desc') },
  { column: 'consumer', label: 'CONSUMER', dir: 'asc', compare: byText((e) => e.consumer) },
  // Stream-ID order, not text: padding the whole ID put 2-9 before 1-10.
  { column: 'id', label: 'ENTRY ID', dir: 'asc', compare: (a, b) => compareStreamIds(a.id, b.id) },
];

/** The body of a pending entry of the shown stream, undefined while not loaded, null when gone. */
export function pendingBody(state: MonitorState, id: string): EntryBody | null | undefined {
  const b = state.pending.bodies;
  return b.stream === state.pending.target?.stream ? b.byId[id] : undefined;
}

/** How an entry reads to the filter: type from its body; text = ID, consumer, type, field values. */
export function pendingSubject(state: MonitorState): (e: PendingEntry) => MatchSubject {
  return (e) => {
    const body = pendingBody(state, e.id);
    const parts = [e.id, e.consumer, body?.type ?? ''];
    if (body) for (const v of Object.values(body.fields)) parts.push(v);
    return { type: body?.type ?? null, text: parts.join('\u0000') };
  };
}
