/**
 * `y` / `Y` / `e`: what is copied (the selected entry's ID, or its JSON line — the same object
 * `e` and `streamscope export` write: id, stream, raw fields, decoded event or null) and what is
 * exported (pane 1: the rows its filter leaves; panes 3 and 5: the marked entries, else the rows
 * the filter leaves). Pane 5's are the dead-letter entries themselves (dlq_* fields and the
 * original's), as `streamscope export --stream dlq:<type>` writes them. Reducers ask for the
 * copy / export as effects; the files port does the I/O.
 */
import type { MonitorMessage } from '../core/messages.js';
import { entryLineFromText } from '../core/ndjson.js';
import type { ExportRecord } from '../core/ports.js';
import { want } from './effects.js';
import { selectTop } from './layers.js';
import { deadLetterKey, selectDeadLetterCursor, selectDeadLetterRows } from './dead-letters.js';
import { pendingBody } from './pending-view.js';
import {
  eventAt,
  selectEventRows,
  selectPendingCursor,
  selectPendingRows,
  selectKeys,
  selectSelectedEvent,
} from './selectors.js';
import type { MonitorState, Notice } from './state.js';

export interface SelectedEntry {
  stream: string;
  id: string;
  /** Null while not loaded or when the entry is gone (then only the ID can be copied). */
  fields: Readonly<Record<string, string>> | null;
}

const NOTHING =
  'nothing to copy here: y / Y copy the selected entry of panes 1, 3 and 5, or the one open';

/** The entry `y` / `Y` act on: the open detail view's, else the selected row of panes 1, 3, 5. */
export function selectedEntry(state: MonitorState): SelectedEntry | string {
  const d = selectTop(state, 'detail');
  if (d)
    return d.kind === 'event'
      ? { stream: d.stream, id: d.event.id, fields: d.event.fields }
      : { stream: d.stream, id: d.id, fields: d.fields };
  if (state.ui.pane === 'events') {
    const e = selectSelectedEvent(state);
    return e
      ? { stream: selectKeys(state).globalStream, id: e.id, fields: e.fields }
      : 'no event selected';
  }
  if (state.ui.pane === 'pending') {
    const t = state.pending.target;
    const row = selectPendingRows(state)[selectPendingCursor(state)];
    if (!t || !row) return 'no pending entry selected';
    return { stream: t.stream, id: row.id, fields: pendingBody(state, row.id)?.fields ?? null };
  }
  if (state.ui.pane === 'deadletters') {
    const row = selectDeadLetterRows(state)[selectDeadLetterCursor(state)];
    if (!row) return 'no dead letter selected';
    return { stream: row.dlqKey, id: row.id, fields: row.fields ?? null };
  }
  return NOTHING;
}

function flash(state: MonitorState, level: Notice['level'], text: string): MonitorState {
  return { ...state, ui: { ...state.ui, notice: { level, text, at: state.now, flash: true } } };
}

export function copySelected(state: MonitorState, what: 'id' | 'json'): MonitorState {
  const e = selectedEntry(state);
  if (typeof e === 'string') return flash(state, 'info', `copy: ${e}`);
  if (what === 'id') {
    want({ type: 'copy', text: e.id, what: `entry ID ${e.id}` });
    return state;
  }
  if (!e.fields)
    return flash(state, 'info', `copy: the content of ${e.id} is not loaded (y copies its ID)`);
  want({
    type: 'copy',
    text: entryLineFromText(e.stream, e.id, e.fields).trimEnd(),
    what: `entry ${e.id} as JSON`,
  });
  return state;
}

/** What `e` exports from the shown pane, and the name part of its file; or why nothing. */
export function exportSelection(
  state: MonitorState,
): { name: string; records: ExportRecord[]; skipped: number } | string {
  if (state.ui.pane === 'events') {
    const rows = selectEventRows(state);
    const stream = selectKeys(state).globalStream;
    const records: ExportRecord[] = [];
    for (let i = 0; i < rows.length; i++) {
      const ev = eventAt(rows, i);
      records.push({ stream, id: ev.id, fields: ev.fields });
    }
    return records.length ? { name: 'events', records, skipped: 0 } : 'no events to export';
  }
  if (state.ui.pane === 'pending') {
    const t = state.pending.target;
    if (!t) return 'no group shown';
    const marks = new Set(state.pending.marks);
    const rows = selectPendingRows(state);
    const chosen = marks.size ? state.pending.entries.filter((e) => marks.has(e.id)) : rows;
    const records: ExportRecord[] = [];
    let skipped = 0;
    for (const e of chosen) {
      const body = pendingBody(state, e.id);
      if (body) records.push({ stream: t.stream, id: e.id, fields: body.fields });
      else skipped++;
    }
    if (!records.length)
      return chosen.length
        ? 'the entries are not loaded yet (or gone)'
        : 'no pending entries to export';
    return { name: `pending-${t.group}`, records, skipped };
  }
  if (state.ui.pane === 'deadletters') {
    const marks = new Set(state.deadLetters.marks);
    const chosen = marks.size
      ? state.deadLetters.rows.filter((r) => marks.has(deadLetterKey(r)))
      : selectDeadLetterRows(state);
    const records: ExportRecord[] = [];
    for (const r of chosen)
      if (r.fields) records.push({ stream: r.dlqKey, id: r.id, fields: r.fields });
    if (!records.length)
      return chosen.length ? 'the dead letters are not loaded yet' : 'no dead letters to export';
    return { name: 'dead-letters', records, skipped: chosen.length - records.length };
  }
  return 'e exports entries: pane 1 (what the filter leaves) or panes 3 and 5 (the marked, else the listed ones)';
}

export function exportRows(state: MonitorState): MonitorState {
  const sel = exportSelection(state);
  if (typeof sel === 'string') return flash(state, 'info', `export: ${sel}`);
  want({ type: 'export', name: sel.name, records: sel.records });
  const n = sel.records.length.toLocaleString('en-US');
  const skipped = sel.skipped ? ` (${sel.skipped} not loaded or gone: left out)` : '';
  return flash(state, 'info', `exporting ${n} entries…${skipped}`);
}

export function reduceExportProgressed(
  state: MonitorState,
  msg: Extract<MonitorMessage, { type: 'ExportProgressed' }>,
): MonitorState {
  const n = (x: number) => x.toLocaleString('en-US');
  if (msg.error)
    return flash(state, 'error', `export failed after ${n(msg.written)} entries: ${msg.error}`);
  if (msg.done)
    return flash(state, 'ok', `exported ${n(msg.written)} entries to ${msg.path} (NDJSON)`);
  return flash(
    state,
    'info',
    `exporting ${n(msg.written)} of ${n(msg.total)} entries to ${msg.path}…`,
  );
}
