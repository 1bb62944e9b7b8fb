/**
 * Pane 3's entry contents: after a PEL page arrives, the entries not read yet are fetched
 * (one pipelined XRANGE per page, an effect) so TYPE, PAYLOAD, `/`, `Y` and `e` can use them.
 * Kept per stream, bounded: only the shown page's entries are kept.
 */
import type { MonitorMessage } from '../core/messages.js';
import { want } from './effects.js';
import type { EntryBody } from './pending-view.js';
import type { MonitorState } from './state.js';

/** Ask for the contents of the page's entries that are not known yet. */
export function wantBodies(state: MonitorState): MonitorState {
  const p = state.pending;
  const stream = p.target?.stream ?? null;
  if (stream === null) return state;
  const known = p.bodies.stream === stream ? p.bodies.byId : {};
  const missing = p.entries.map((e) => e.id).filter((id) => !(id in known));
  // Keep only this page's bodies (bounded memory), and start over for another stream.
  const byId: Record<string, EntryBody | null> = {};
  for (const e of p.entries) if (e.id in known) byId[e.id] = known[e.id];
  if (missing.length > 0) want({ type: 'loadEntries', stream, ids: missing });
  return { ...state, pending: { ...p, bodies: { stream, byId } } };
}

export function reduceEntriesLoaded(
  state: MonitorState,
  msg: Extract<MonitorMessage, { type: 'EntriesLoaded' }>,
): MonitorState {
  const p = state.pending;
  if (p.target?.stream !== msg.stream) return state;
  const byId: Record<string, EntryBody | null> =
    p.bodies.stream === msg.stream ? { ...p.bodies.byId } : {};
  for (const e of msg.entries)
    byId[e.id] = e.fields
      ? { type: e.fields.type ?? e.event?.eventType ?? null, fields: e.fields, event: e.event }
      : null;
  return { ...state, pending: { ...p, bodies: { stream: msg.stream, byId } } };
}
