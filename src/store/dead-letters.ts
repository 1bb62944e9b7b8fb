/**
 * Pane 5's rows (the dead letters of every `<prefix>dlq:*` stream, newest first), their identity,
 * marks by hand or by rule, and what `r` (redrive) and `x` (delete) act on. Pure.
 */
import type { DeadLetterRow } from '../core/messages.js';
import { matchesRule, type PelRule } from '../core/pel-rule.js';
import type { PendingEntry } from '../core/types.js';
import { selectDeadLetterView } from './dead-letter-view.js';
import type { CommandTarget } from './pane-models.js';
import type { MonitorState } from './state.js';
import { paneSelection } from './table-view.js';

export const PANE = 'deadletters';

export const deadLetterKey = (r: DeadLetterRow): string => `${r.dlqKey} ${r.id}`;

/** What pane 5 lists: the loaded rows as `/` filters and `S` sorts them (store/dead-letter-view.ts). */
export function selectDeadLetterRows(state: MonitorState): readonly DeadLetterRow[] {
  return selectDeadLetterView(state);
}

const selection = paneSelection(PANE, selectDeadLetterRows, deadLetterKey);

export const selectDeadLetterCursor: (state: MonitorState) => number = selection.cursor;

/** j/k, pgup/pgdn, g/G in pane 5: the selection moves by identity. */
export const moveDeadLetterCursor: (state: MonitorState, delta: number) => MonitorState =
  selection.moveCursor;

/** Milliseconds of the ID (the time it was dead-lettered), or null for an odd ID. */
function idMs(id: string): number | null {
  const ms = Number(id.split('-')[0]);
  return Number.isFinite(ms) ? ms : null;
}

/** A dead letter seen as a pending entry, so the PEL rule language marks them too (idle = age). */
export function asRuleRow(r: DeadLetterRow, serverNow: number): PendingEntry {
  const ms = idMs(r.id);
  return {
    id: r.id,
    consumer: r.consumer,
    idleMs: ms === null ? 0 : Math.max(0, serverNow - ms),
    deliveries: r.deliveries ?? 0,
  };
}

export function markDeadLettersByRule(
  state: MonitorState,
  rule: PelRule,
  text: string,
): MonitorState {
  const now = state.snapshot.server?.timeMs ?? state.now;
  const marks = state.deadLetters.rows
    .filter((r) => matchesRule(rule, asRuleRow(r, now)))
    .map(deadLetterKey);
  return {
    ...state,
    deadLetters: { ...state.deadLetters, marks, markRule: marks.length ? text : null },
  };
}

export function toggleDeadLetterMark(state: MonitorState): MonitorState {
  const rows = selectDeadLetterRows(state);
  const at = selectDeadLetterCursor(state);
  const row = rows[at];
  if (!row) return state;
  const k = deadLetterKey(row);
  const d = state.deadLetters;
  const marks = d.marks.includes(k) ? d.marks.filter((x) => x !== k) : [...d.marks, k];
  const next = rows[Math.min(at + 1, rows.length - 1)];
  return {
    ...state,
    deadLetters: { ...d, marks },
    ui: {
      ...state.ui,
      selected: {
        ...state.ui.selected,
        [PANE]: { key: deadLetterKey(next), index: Math.min(at + 1, rows.length - 1) },
      },
    },
  };
}

/**
 * What `r` / `x` act on: the marked dead letters (all in one dead-letter stream, since a
 * redrive is one MULTI per batch on one stream), else the selected one.
 */
export function deadLetterTarget(state: MonitorState): CommandTarget | string {
  const d = state.deadLetters;
  if (d.marks.length > 0) {
    const byStream = new Map<string, string[]>();
    for (const k of d.marks) {
      const cut = k.lastIndexOf(' ');
      const list = byStream.get(k.slice(0, cut)) ?? [];
      list.push(k.slice(cut + 1));
      byStream.set(k.slice(0, cut), list);
    }
    if (byStream.size > 1)
      return `the marks span ${byStream.size} dead-letter streams; mark one stream's at a time`;
    const [[stream, ids]] = [...byStream];
    return { stream, group: '', ids };
  }
  const row = selectDeadLetterRows(state)[selectDeadLetterCursor(state)];
  if (!row) return 'no dead letter selected';
  return { stream: row.dlqKey, group: '', ids: [row.id] };
}
