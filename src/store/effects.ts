/**
 * Effects as data: what a reducer wants done outside (load a PEL page, load an entry, run a
 * command). Reducers stay pure functions of (state, action) → state and hand their effects to
 * `want`; the store runs each reduction inside `collectEffects` and then performs what was
 * collected through its ports. No old/new state diffing decides what to do.
 */
import type { CommandRequest } from '../core/command-kinds.js';
import type { ExportRecord } from '../core/ports.js';
import type { HistoryCountRequest, HistoryPageRequest } from '../core/history-page.js';
import type { PendingRequest } from './state.js';

export type Effect =
  | { type: 'loadPendingPage'; request: PendingRequest }
  | { type: 'loadEntry'; stream: string; id: string }
  | { type: 'runCommand'; request: CommandRequest }
  | { type: 'markPending'; stream: string; group: string; rule: string }
  | { type: 'previewCommand'; request: CommandRequest }
  | { type: 'loadDeadLetters' }
  /** Abort the running command's signal: no further batch starts. */
  | { type: 'cancelCommand' }
  /** Pause / resume / step the running paced command (a replayed range). */
  | { type: 'controlCommand'; op: 'pause' | 'resume' | 'step' }
  | { type: 'loadEntries'; stream: string; ids: readonly string[] }
  | { type: 'loadHistoryPage'; request: HistoryPageRequest }
  | { type: 'countHistoryRange'; request: HistoryCountRequest }
  | { type: 'cancelHistoryCount' }
  | { type: 'listArchivedStreams' }
  | { type: 'copy'; text: string; what: string }
  | { type: 'findCounterpart'; fromStream: string; id: string; eventId: string; toStream: string }
  | { type: 'export'; name: string; records: readonly ExportRecord[] };

let collecting: Effect[] | null = null;

/** Called by reducers: ask for an effect. Outside collectEffects (plain reducer tests) it is dropped. */
export function want(effect: Effect): void {
  collecting?.push(effect);
}

/** Run a reduction and return its result with the effects it asked for, in order. */
export function collectEffects<T>(reduction: () => T): [T, Effect[]] {
  const outer = collecting;
  const mine: Effect[] = [];
  collecting = mine;
  try {
    return [reduction(), mine];
  } finally {
    collecting = outer;
  }
}
