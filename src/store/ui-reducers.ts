/** Pure reducers for what the person does (UiAction). */
import { reduceHistoryOp } from './history.js';
import { reduceReplayOp } from './replay-dialog.js';
import { commandKind, type CommandKind } from '../core/command-kinds.js';
import { compareStreamIds } from '../core/stream-id.js';
import type { UiAction } from './actions.js';
import { requestOf } from './confirm.js';
import { want } from './effects.js';
import { copySelected, exportRows } from './copy-export.js';
import { currentAfterId, requestPage, showPending } from './pending.js';
import {
  pendingKey,
  selectClaimDefault,
  selectConsumersOf,
  selectGroupsByPending,
  selectPendingCursor,
  selectPendingRows,
} from './selectors.js';
import { type ConfirmState, type MonitorState, type Notice, type PaneId } from './state.js';
import { reduceCommandLine } from './command-line.js';

import {
  closeAllLayers,
  closeLayer,
  popLayer,
  pushLayer,
  registeredLayerModel,
  scrolled,
  selectLayer,
  selectTopLayer,
  updateLayer,
  type LayerId,
  type LayerModel,
  type LayerModels,
} from './layers.js';
import { clamp, selectionAt } from './list.js';
import { paneIds, paneModel, selectCommandTarget } from './pane-models.js';
import {
  filterTextOf,
  paneSortIndex,
  sortName,
  withFilterText,
  withNextSort,
} from './table-view.js';

function notice(state: MonitorState, level: Notice['level'], text: string): MonitorState {
  return { ...state, ui: { ...state.ui, notice: { level, text, at: state.now } } };
}

export function reduceUi(state: MonitorState, a: UiAction): MonitorState {
  switch (a.type) {
    case 'tick':
      return a.now === state.now ? state : { ...state, now: a.now };
    case 'selectPane':
      return showPane(state, a.pane);
    case 'cyclePane': {
      const panes = paneIds();
      const i = panes.indexOf(state.ui.pane);
      return showPane(state, panes[(i + a.delta + panes.length) % panes.length]);
    }
    case 'moveCursor':
      return moveCursor(state, a.delta);
    case 'moveToEdge':
      return moveCursor(state, a.edge === 'top' ? -Infinity : Infinity);
    case 'setPageRows':
      return a.rows === state.ui.pageRows
        ? state
        : { ...state, ui: { ...state.ui, pageRows: Math.max(1, a.rows) } };
    case 'togglePause': {
      const v = state.view;
      // Resuming means "live again": follow the tail (as G), wherever the cursor was left.
      if (v.paused) return { ...state, view: { ...v, paused: null, follow: true, selected: null } };
      const { buffer, firstSeq } = state.events;
      return { ...state, view: { ...v, paused: { buffer, firstSeq } } };
    }
    case 'startFilter': {
      // Pane 1 and the table panes (those with sort options) filter themselves; elsewhere `/`
      // is pane 1's, as it always was.
      const own = state.ui.pane === 'events' || (paneModel(state.ui.pane)?.sorts?.length ?? 0) > 0;
      const pane = own ? state.ui.pane : 'events';
      return pushLayer({ ...state, ui: { ...state.ui, pane } }, 'filter', {
        previous: filterTextOf(state, pane),
        pane,
      });
    }
    case 'copySelected':
      return copySelected(state, a.what);
    case 'exportRows':
      return exportRows(state);
    case 'cycleSort': {
      const pane = state.ui.pane;
      const sorts = paneModel(pane)?.sorts ?? [];
      if (sorts.length < 2) return notice(state, 'info', 'this pane has one order only');
      const s = withNextSort(state, pane, sorts.length);
      return notice(s, 'info', `sorted by ${sortName(sorts[paneSortIndex(s, pane)])} (S: next)`);
    }
    case 'editFilter':
      return withFilterText(state, selectLayer(state, 'filter')?.pane ?? 'events', a.text);
    case 'commitFilter':
      return closeLayer(state, 'filter');
    case 'history':
      return reduceHistoryOp(state, a.op);
    case 'replay':
      return reduceReplayOp(state, a.op);
    case 'openLayer':
      return pushLayer(state, a.layer.id, a.layer.data);
    case 'openSelected':
      return openSelected(state);
    case 'back':
      return back(state);
    case 'toggleHelp':
      return selectLayer(state, 'help')
        ? closeLayer(state, 'help')
        : pushLayer(state, 'help', { scroll: 0 });
    case 'toggleMark': {
      const own = paneModel(state.ui.pane)?.toggleMark;
      if (own) return own(state);
      const rows = selectPendingRows(state);
      const at = selectPendingCursor(state);
      const row = rows[at];
      if (state.ui.pane !== 'pending' || !row) return state;
      const marks = state.pending.marks.includes(row.id)
        ? state.pending.marks.filter((id) => id !== row.id)
        : [...state.pending.marks, row.id];
      // Marking moves on, like file managers do, so space-space-space marks a run.
      const selected = selectionAt(rows, pendingKey, clamp(at + 1, 0, rows.length - 1));
      return { ...state, pending: { ...state.pending, marks, selected } };
    }
    case 'requestCommand':
      return requestCommand(state, a.command);
    case 'editConsumer':
      return updateLayer(state, 'confirm', (c) =>
        c.step === 'consumer' ? { ...c, consumer: a.text } : c,
      );
    case 'confirm': {
      const c = selectLayer(state, 'confirm');
      if (!c) return state;
      if (c.step === 'confirm' && c.preview?.status === 'loading')
        return notice(state, 'info', 'reading what it would do… (y again once the preview shows)');
      if (c.step === 'confirm' && c.preview?.status === 'failed')
        return notice(state, 'error', `cannot run: ${c.preview.error} (esc closes)`);
      if (c.step === 'consumer')
        return c.consumer.trim()
          ? updateLayer(state, 'confirm', () => ({
              ...c,
              consumer: c.consumer.trim(),
              step: 'confirm',
            }))
          : state;
      // Confirmed: the dialog closes now; progress and outcome are a flash in the notice line,
      // so the next key (q…) is the person's again.
      const request = requestOf(c);
      want({ type: 'runCommand', request });
      const n = c.ids.length;
      // setid, delconsumer and undo name no entries: "Undoing…", not "Undoing 0 entries…".
      const verbing = commandKind(c.command).verbing;
      const text = n > 0 ? `${verbing} ${n} ${n === 1 ? 'entry' : 'entries'}…` : `${verbing}…`;
      const closed = closeLayer(state, 'confirm');
      return {
        ...closed,
        ui: {
          ...closed.ui,
          notice: { level: 'info', text, at: state.now, flash: true },
          progress: {
            command: c.command,
            total: Math.max(1, n),
            done: 0,
            startedAt: state.now,
            at: state.now,
            cancelling: false,
          },
        },
      };
    }
    case 'openCommandLine':
    case 'editCommandLine':
    case 'completeCommandLine':
    case 'walkCommandHistory':
    case 'submitCommandLine':
      return reduceCommandLine(state, a);
    case 'cancelCommand': {
      const p = state.ui.progress;
      if (!p || p.cancelling) return state;
      want({ type: 'cancelCommand' });
      return {
        ...state,
        ui: {
          ...state.ui,
          progress: { ...p, cancelling: true },
          notice: {
            level: 'info',
            text: `cancelling ${p.command}: no further batch starts (${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} done so far)`,
            at: state.now,
            flash: true,
          },
        },
      };
    }
    case 'cancel':
      return closeLayer(state, 'confirm');
    case 'changePage': {
      const p = state.pending;
      if (!p.target || p.loading) return state;
      if (a.delta > 0) {
        const last = p.entries.reduce<string | null>(
          (m, e) => (m === null || compareStreamIds(e.id, m) > 0 ? e.id : m),
          null,
        );
        if (!p.hasMore || last === null) {
          const partial = p.order === 'idle' && p.scan && !p.scan.complete;
          return notice(
            state,
            'info',
            partial
              ? `no more pages among the first ${p.scan!.examined.toLocaleString('en-US')} entries searched (o: ID order reaches the rest)`
              : 'no more pending entries (this is the last page)',
          );
        }
        const next = {
          ...p,
          pageStarts: [...p.pageStarts, p.order === 'id' ? last : null],
          // Marks by rule cover the whole PEL: they stay when the page changes.
          marks: p.markRule ? p.marks : [],
          selected: null,
        };
        return { ...state, pending: requestPage(next, state, last) };
      }
      if (p.pageStarts.length <= 1) return notice(state, 'info', 'already on the first page');
      const starts = p.pageStarts.slice(0, -1);
      const prev = { ...p, pageStarts: starts, marks: p.markRule ? p.marks : [], selected: null };
      return { ...state, pending: requestPage(prev, state, currentAfterId(prev)) };
    }
    case 'togglePendingOrder': {
      const p = state.pending;
      const order = p.order === 'idle' ? 'id' : 'idle';
      const fresh = {
        ...p,
        order,
        pageStarts: [null],
        entries: [],
        hasMore: false,
        scan: null,
        loadedAt: null,
        marks: p.markRule ? p.marks : [],
        selected: null,
      } as const;
      const s = notice(
        state,
        'info',
        order === 'idle'
          ? 'pending entries: most idle first'
          : 'pending entries: in ID order (oldest entry first)',
      );
      return { ...s, pending: p.target ? requestPage(fresh, s, null) : fresh };
    }
    case 'setPermissions': {
      const c = state.config;
      const denied = a.denied ?? c.deniedCommands;
      if (
        c.readOnly === a.readOnly &&
        c.readOnlyReason === a.reason &&
        denied.join() === c.deniedCommands.join()
      )
        return state;
      return {
        ...state,
        config: {
          ...c,
          readOnly: a.readOnly,
          readOnlyReason: a.reason,
          deniedCommands: [...denied].sort(),
        },
      };
    }
    case 'notify':
      return notice(state, a.level, a.text);
    case 'openPicker': {
      const groups = selectGroupsByPending(state);
      if (groups.length === 0) return notice(state, 'info', 'no consumer groups under this prefix');
      const t = state.pending.target;
      const at =
        (t && groups.find((g) => g.stream === t.stream && g.group === t.group)) || groups[0];
      const shown = closeAllLayers({
        ...state,
        ui: { ...state.ui, pane: 'pending', notice: null },
      });
      return pushLayer(shown, 'picker', { stream: at.stream, group: at.group });
    }
    case 'cycleGroup': {
      // A stable order (stream, then group) over the groups with something pending: pressed N
      // times it shows each of N such groups exactly once, however the counts change meanwhile.
      const groups = selectGroupsByPending(state)
        .filter((g) => g.pending > 0)
        .sort((x, y) =>
          x.stream !== y.stream ? (x.stream < y.stream ? -1 : 1) : x.group < y.group ? -1 : 1,
        );
      if (groups.length === 0) return notice(state, 'info', 'no group has pending entries');
      const t = state.pending.target;
      let i = t ? groups.findIndex((g) => g.stream === t.stream && g.group === t.group) : -1;
      // Shown group has nothing pending (not in the cycle): start from where it would sort.
      if (i < 0 && t) {
        const after = groups.findIndex((g) =>
          g.stream !== t.stream ? g.stream > t.stream : g.group > t.group,
        );
        i = (after < 0 ? groups.length : after) - (a.delta > 0 ? 1 : 0);
      }
      const g = groups[(((i + a.delta) % groups.length) + groups.length) % groups.length];
      return showPending(state, { stream: g.stream, group: g.group, consumer: null });
    }
  }
}

function showPane(state: MonitorState, pane: PaneId): MonitorState {
  const model = paneModel(pane);
  if (!model) return state;
  // Switching panes closes everything on top: the layers belong to the pane they opened over.
  const s = closeAllLayers({ ...state, ui: { ...state.ui, pane } });
  return model.onShow ? model.onShow(s) : s;
}

/**
 * What the shared layers do with j/k, enter and esc while they are on top. Pane-owned layers
 * (the picker) bring theirs in their PaneLayer (registerLayerModel).
 */
const SHARED_LAYERS: LayerModels = {
  help: {
    moveCursor: (s, delta, d) =>
      updateLayer(s, 'help', () => ({ scroll: scrolled(d.scroll, delta) })),
  },
  outcome: {
    moveCursor: (s, delta, d) =>
      updateLayer(s, 'outcome', () => ({ ...d, scroll: scrolled(d.scroll, delta) })),
  },
  detail: {
    moveCursor: (s, delta, d) =>
      updateLayer(s, 'detail', () => ({ ...d, scroll: scrolled(d.scroll, delta) })),
  },
  filter: {
    // esc while typing: the filter as it was before `/`.
    back: (s, d) => closeLayer(withFilterText(s, d.pane ?? 'events', d.previous), 'filter'),
  },
  confirm: {
    // Claim: ↑/↓ pick an existing consumer as the target.
    moveCursor(s, delta, c) {
      if (c.step !== 'consumer' || c.consumerChoices.length === 0 || !Number.isFinite(delta))
        return s;
      const i = c.consumerChoices.indexOf(c.consumer);
      const n = c.consumerChoices.length;
      const next = c.consumerChoices[((((i < 0 ? (delta > 0 ? -1 : 0) : i) + delta) % n) + n) % n];
      return updateLayer(s, 'confirm', () => ({ ...c, consumer: next }));
    },
    back: (s) => reduceUi(s, { type: 'cancel' }),
  },
};

function layerModel<K extends LayerId>(id: K): LayerModel<K> | undefined {
  return (SHARED_LAYERS[id] as LayerModel<K> | undefined) ?? registeredLayerModel(id);
}

/** j/k, pgup/pgdn, g/G: the top layer moves (or scrolls), never one hidden under it; else the pane. */
function moveCursor(state: MonitorState, delta: number): MonitorState {
  const top = selectTopLayer(state);
  if (!top) return paneModel(state.ui.pane)?.moveCursor?.(state, delta) ?? state;
  const m = layerModel(top.id) as LayerModel | undefined;
  return m?.moveCursor ? m.moveCursor(state, delta, top.data as never) : state;
}

/** enter: the top layer's own (the picker shows its pick), else the pane's. */
function openSelected(state: MonitorState): MonitorState {
  const top = selectTopLayer(state);
  if (!top) return paneModel(state.ui.pane)?.open?.(state) ?? state;
  const m = layerModel(top.id) as LayerModel | undefined;
  return m?.open ? m.open(state, top.data as never) : state;
}

/** esc: pop the top layer (its own back when it has one), else the pane's (clear the filter…). */
function back(state: MonitorState): MonitorState {
  const top = selectTopLayer(state);
  // A running bulk command is in front of the pane while it runs: esc stops it between batches.
  if (!top && state.ui.progress && !state.ui.progress.cancelling)
    return reduceUi(state, { type: 'cancelCommand' });
  if (!top) return paneModel(state.ui.pane)?.back?.(state) ?? state;
  const m = layerModel(top.id) as LayerModel | undefined;
  return m?.back ? m.back(state, top.data as never) : popLayer(state);
}

export interface RequestOptions {
  /** The pane whose target it acts on (default: the pane shown). */
  pane?: string;
  /** A target the `:` line names itself (setid, delconsumer, undo act on no entries). */
  target?: { stream: string; group: string; ids: readonly string[] };
  extra?: ConfirmState['extra'];
  /** Claim: the consumer the `:` line named (the dialog then only asks y/n). */
  consumer?: string;
  /** Ask the commands port for the plan's preview (shown in the dialog; y waits for it). */
  preview?: boolean;
}

export function requestCommand(
  state: MonitorState,
  command: CommandKind,
  o: RequestOptions = {},
): MonitorState {
  if (state.config.readOnly && commandKind(command).readOnly === 'refuse')
    return notice(
      state,
      'error',
      `${command} refused: ${state.config.readOnlyReason ?? 'read-only mode'}`,
    );
  // Commands act on the pane's rows: not from under a dialog, a detail view or the help.
  if (selectTopLayer(state)) return state;
  if (state.ui.progress)
    return notice(
      state,
      'info',
      `${command}: ${state.ui.progress.command} is still running (esc cancels it)`,
    );
  const t = o.target ?? selectCommandTarget(state, o.pane);
  if (typeof t === 'string') return notice(state, 'info', `${command}: ${t}`);
  const ids = [...t.ids];
  const asksConsumer = commandKind(command).asks === 'consumer' && o.consumer === undefined;
  const consumerChoices = asksConsumer ? selectConsumersOf(state, t.stream, t.group) : [];
  // The previous outcome would linger under the new dialog as if it were about it.
  return pushLayer({ ...state, ui: { ...state.ui, notice: null } }, 'confirm', {
    command,
    stream: t.stream,
    group: t.group,
    ids,
    step: asksConsumer ? 'consumer' : 'confirm',
    consumer: o.consumer ?? (asksConsumer ? selectClaimDefault(state, t.stream, t.group, ids) : ''),
    consumerChoices,
    ...(o.extra ? { extra: o.extra } : {}),
    ...(o.preview ? { preview: { status: 'loading' } as const } : {}),
  });
}

/** requestCommand, then ask the port for the plan's preview of what the dialog holds. */
export function requestWithPreview(
  state: MonitorState,
  command: CommandKind,
  o: RequestOptions,
): MonitorState {
  const s = requestCommand(state, command, { ...o, preview: true });
  const c = selectLayer(s, 'confirm');
  if (c && c !== selectLayer(state, 'confirm'))
    want({ type: 'previewCommand', request: requestOf(c) });
  return s;
}
