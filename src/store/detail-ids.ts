/**
 * Both IDs of an event in the detail view: a publish writes a per-type entry and a copy in the
 * global stream, each with its own ID. The one the view was opened on is known; the other is
 * looked up by event_id near that entry's time (an effect), and shown once found.
 */
import { createKeySpace } from '../core/keys.js';
import type { MonitorMessage } from '../core/messages.js';
import { want } from './effects.js';
import { selectLayer, updateLayer } from './layers.js';
import type { Counterpart, MonitorState } from './state.js';

/** Where the other entry of an event is: the type stream of a global entry, or the reverse. */
export function counterpartStream(
  state: MonitorState,
  stream: string,
  eventType: string | null,
): string | null {
  const keys = createKeySpace(state.config.prefix);
  if (stream !== keys.globalStream) return keys.globalStream;
  if (!eventType) return null;
  try {
    return keys.typeStream(eventType);
  } catch {
    return null; // not a valid type name: no such stream
  }
}

/** Ask for the other entry of `id` (in `stream`) holding `eventId`; the searching marker to show. */
export function lookUpCounterpart(
  state: MonitorState,
  stream: string,
  id: string,
  eventId: string | null,
  eventType: string | null,
): Counterpart | undefined {
  const to = eventId ? counterpartStream(state, stream, eventType) : null;
  if (!to || !eventId) return undefined;
  want({ type: 'findCounterpart', fromStream: stream, id, eventId, toStream: to });
  return { stream: to, id: null, searching: true };
}

export function reduceCounterpartFound(
  state: MonitorState,
  msg: Extract<MonitorMessage, { type: 'CounterpartFound' }>,
): MonitorState {
  const d = selectLayer(state, 'detail');
  if (!d) return state;
  // A dead letter's counterpart was looked up from its original entry (store/reducers.ts).
  const from =
    d.kind === 'entry' && d.deadLetter
      ? { stream: d.deadLetter.originalStream, id: d.deadLetter.originalId }
      : { stream: d.stream, id: d.kind === 'event' ? d.event.id : d.id };
  if (from.stream !== msg.fromStream || from.id !== msg.id) return state;
  return updateLayer(state, 'detail', (x) => ({
    ...x,
    counterpart: { stream: msg.toStream, id: msg.toId, searching: false },
  }));
}
