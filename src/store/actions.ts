/**
 * Local actions: what the person does (keys) and the store's own clock. Imperative verbs;
 * messages from the background loops are the past-tense MonitorMessage in core/messages.ts.
 */
import type { HistoryOp } from './history.js';
import type { ReplayOp } from './replay-dialog.js';
import type { CommandKind, MonitorMessage } from '../core/messages.js';
import type { Layer } from './layers.js';
import type { PaneId } from './state.js';

export type UiAction =
  /** The store's clock (ms); ages and events/s move with it. */
  | { type: 'tick'; now: number }
  | { type: 'selectPane'; pane: PaneId }
  | { type: 'cyclePane'; delta: 1 | -1 }
  /** Move the selection (or scroll the detail view, or pick a claim target) by delta rows. */
  | { type: 'moveCursor'; delta: number }
  | { type: 'moveToEdge'; edge: 'top' | 'bottom' }
  /** How many rows the list on screen shows (pgup/pgdn move that many minus one). */
  | { type: 'setPageRows'; rows: number }
  | { type: 'togglePause' }
  | { type: 'startFilter' }
  /** `S`: sort the shown pane by its next sort option (store/table-view.ts). */
  | { type: 'cycleSort' }
  /** `y` / `Y`: copy the selected entry's ID / its JSON (store/copy-export.ts). */
  | { type: 'copySelected'; what: 'id' | 'json' }
  /** `e`: export what the pane lists (pane 3: the marked entries, else what it lists) to NDJSON. */
  | { type: 'exportRows' }
  | { type: 'editFilter'; text: string }
  | { type: 'commitFilter' }
  /** enter: open the detail view, or drill into the row under the cursor. */
  | { type: 'openSelected' }
  /** esc: close whatever is on top, one layer at a time. */
  | { type: 'back' }
  | { type: 'toggleHelp' }
  /** Open a layer on top of the others (one that needs no reducer of its own to open). */
  | { type: 'openLayer'; layer: Layer }
  /** The history view's own operations (store/history.ts). */
  | { type: 'history'; op: HistoryOp }
  /** Replaying the history view's range: the dialog, its choices, pause / step (store/replay-dialog.ts). */
  | { type: 'replay'; op: ReplayOp }
  | { type: 'toggleMark' }
  | { type: 'requestCommand'; command: CommandKind }
  | { type: 'editConsumer'; text: string }
  | { type: 'confirm' }
  | { type: 'cancel' }
  /** `:` opens the command line; typing edits it; tab completes; up/down walk the history. */
  | { type: 'openCommandLine' }
  | { type: 'editCommandLine'; text: string }
  | { type: 'completeCommandLine' }
  | { type: 'walkCommandHistory'; delta: 1 | -1 }
  | { type: 'submitCommandLine' }
  /** esc while a bulk command runs: stop it between batches. */
  | { type: 'cancelCommand' }
  | { type: 'changePage'; delta: 1 | -1 }
  /** Pending pane: most idle first ⇄ ID order. */
  | { type: 'togglePendingOrder' }
  /** Pending pane: switch to the next / previous stream+group (most pending first). */
  | { type: 'cycleGroup'; delta: 1 | -1 }
  /** Pending pane: open the stream/group picker (j/k move, enter shows, esc closes). */
  | { type: 'openPicker' }
  /** Show a one-line notice (e.g. why a key is disabled). */
  | { type: 'notify'; level: 'info' | 'ok' | 'error'; text: string }
  /** What the commands port learned about permissions (ACL probe, NOPERM replies). */
  | {
      type: 'setPermissions';
      readOnly: boolean;
      reason: string | null;
      denied?: readonly CommandKind[];
    };

export type StoreAction = MonitorMessage | UiAction;
