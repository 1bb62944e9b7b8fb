/** Pure reducers for what the person does (UiAction). */
import { commandKind, type CommandKind } from '../core/command-kinds.js';
import type { UiAction } from './actions.js';
import { requestOf } from './confirm.js';
import { want } from './effects.js';
import { currentAfterId, requestPage, showPending } from './pending.js';
import {
  pendingKey,
  selectClaimDefault,
  selectConsumersOf,
  selectGroupsByPending,
  selectPendingCursor,
  selectPendingRows,
  selectPickerIndex,
} from './selectors.js';
import { type ConfirmState, type MonitorState, type Notice, type PaneId } from './state.js';

import { reduceCommandLine } from './command-line.js';
import { clamp, selectionAt } from './list.js';
import { paneIds, paneModel, selectCommandTarget } from './pane-models.js';

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
      if (v.paused)
        return { ...state, view: { ...v, paused: null, follow: true, cursorSeq: null } };
      const { buffer, firstSeq } = state.events;
      return { ...state, view: { ...v, paused: { buffer, firstSeq } } };
    }
    case 'startFilter':
      return {
        ...state,
        ui: { ...state.ui, pane: 'events' },
        view: {
          ...state.view,
          filter: { text: state.view.filter.text, editing: true, previous: state.view.filter.text },
        },
      };
    case 'editFilter':
      return { ...state, view: { ...state.view, filter: { ...state.view.filter, text: a.text } } };
    case 'commitFilter':
      return {
        ...state,
        view: { ...state.view, filter: { ...state.view.filter, editing: false } },
      };
    case 'openSelected':
      return openSelected(state);
    case 'back':
      return back(state);
    case 'toggleHelp':
      return { ...state, ui: { ...state.ui, help: !state.ui.help, helpScroll: 0 } };
    case 'toggleMark': {
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
    case 'editConsumer': {
      const c = state.ui.confirm;
      return c && c.step === 'consumer'
        ? { ...state, ui: { ...state.ui, confirm: { ...c, consumer: a.text } } }
        : state;
    }
    case 'confirm': {
      const c = state.ui.confirm;
      if (!c) return state;
      if (c.step === 'confirm' && c.preview?.status === 'loading')
        return notice(state, 'info', 'reading what it would do… (y again once the preview shows)');
      if (c.step === 'confirm' && c.preview?.status === 'failed')
        return notice(state, 'error', `cannot run: ${c.preview.error} (esc closes)`);
      if (c.step === 'consumer')
        return c.consumer.trim()
          ? {
              ...state,
              ui: { ...state.ui, confirm: { ...c, consumer: c.consumer.trim(), step: 'confirm' } },
            }
          : state;
      // Confirmed: the dialog closes now; progress and outcome are a flash in the notice line,
      // so the next key (q…) is the person's again.
      const request = requestOf(c);
      want({ type: 'runCommand', request });
      const n = c.ids.length;
      const text = `${commandKind(c.command).verbing} ${n} ${n === 1 ? 'entry' : 'entries'}…`;
      return {
        ...state,
        ui: {
          ...state.ui,
          confirm: null,
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
    case 'cancel': {
      const c = state.ui.confirm;
      if (!c) return state;
      return { ...state, ui: { ...state.ui, confirm: null } };
    }
    case 'changePage': {
      const p = state.pending;
      if (!p.target || p.loading) return state;
      if (a.delta > 0) {
        const last = p.entries.reduce<string | null>(
          (m, e) => (m === null || compareIds(e.id, m) > 0 ? e.id : m),
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
          marks: [],
          selected: null,
        };
        return { ...state, pending: requestPage(next, state, last) };
      }
      if (p.pageStarts.length <= 1) return notice(state, 'info', 'already on the first page');
      const starts = p.pageStarts.slice(0, -1);
      const prev = { ...p, pageStarts: starts, marks: [], selected: null };
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
        marks: [],
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
      return {
        ...state,
        ui: {
          ...state.ui,
          pane: 'pending',
          detail: null,
          help: false,
          notice: null,
          picker: { stream: at.stream, group: at.group },
        },
      };
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

function compareIds(a: string, b: string): number {
  const [am, as = '0'] = a.split('-');
  const [bm, bs = '0'] = b.split('-');
  if (am.length !== bm.length) return am.length - bm.length;
  if (am !== bm) return am < bm ? -1 : 1;
  if (as.length !== bs.length) return as.length - bs.length;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

function showPane(state: MonitorState, pane: PaneId): MonitorState {
  const model = paneModel(pane);
  if (!model) return state;
  const s: MonitorState = {
    ...state,
    ui: { ...state.ui, pane, detail: null, help: false, picker: null },
  };
  return model.onShow ? model.onShow(s) : s;
}

function moveCursor(state: MonitorState, delta: number): MonitorState {
  const { ui } = state;
  if (ui.confirm) {
    const c = ui.confirm;
    if (c.step !== 'consumer' || c.consumerChoices.length === 0 || !Number.isFinite(delta))
      return state;
    const i = c.consumerChoices.indexOf(c.consumer);
    const n = c.consumerChoices.length;
    const next = c.consumerChoices[((((i < 0 ? (delta > 0 ? -1 : 0) : i) + delta) % n) + n) % n];
    return { ...state, ui: { ...ui, confirm: { ...c, consumer: next } } };
  }
  // The same order as activeContext: the help covers the picker, so j/k scroll the help.
  if (ui.help) {
    const helpScroll = Number.isFinite(delta)
      ? Math.max(0, ui.helpScroll + delta)
      : delta < 0
        ? 0
        : Number.MAX_SAFE_INTEGER;
    return { ...state, ui: { ...ui, helpScroll } };
  }
  if (ui.picker) {
    const groups = selectGroupsByPending(state);
    if (groups.length === 0) return state;
    const cur = Math.max(0, selectPickerIndex(state, groups));
    const g =
      groups[
        clamp(
          Number.isFinite(delta) ? cur + delta : delta > 0 ? groups.length - 1 : 0,
          0,
          groups.length - 1,
        )
      ];
    return { ...state, ui: { ...ui, picker: { stream: g.stream, group: g.group } } };
  }
  if (ui.detail) {
    const scroll = Number.isFinite(delta)
      ? Math.max(0, ui.detail.scroll + delta)
      : delta < 0
        ? 0
        : Number.MAX_SAFE_INTEGER;
    return { ...state, ui: { ...ui, detail: { ...ui.detail, scroll } } };
  }
  return paneModel(ui.pane)?.moveCursor?.(state, delta) ?? state;
}

function openSelected(state: MonitorState): MonitorState {
  const { ui } = state;
  if (ui.confirm || ui.help) return state;
  if (ui.picker) {
    const g = selectGroupsByPending(state)[selectPickerIndex(state)];
    const closed = { ...state, ui: { ...ui, picker: null } };
    return g ? showPending(closed, { stream: g.stream, group: g.group, consumer: null }) : closed;
  }
  if (ui.detail) return state;
  return paneModel(ui.pane)?.open?.(state) ?? state;
}

function back(state: MonitorState): MonitorState {
  const { ui, view } = state;
  if (ui.confirm) return reduceUi(state, { type: 'cancel' });
  if (ui.help) return { ...state, ui: { ...ui, help: false } };
  if (ui.commandLine) return { ...state, ui: { ...ui, commandLine: null } };
  // A running bulk command is the top layer while it runs: esc stops it between batches.
  if (ui.progress && !ui.progress.cancelling) return reduceUi(state, { type: 'cancelCommand' });
  if (ui.picker) return { ...state, ui: { ...ui, picker: null } };
  if (ui.detail) return { ...state, ui: { ...ui, detail: null } };
  if (view.filter.editing)
    return {
      ...state,
      view: {
        ...view,
        filter: { text: view.filter.previous, editing: false, previous: view.filter.previous },
      },
    };
  return paneModel(ui.pane)?.back?.(state) ?? state;
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
  if (state.ui.confirm || state.ui.detail) return state;
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
  return {
    ...state,
    ui: {
      ...state.ui,
      // The previous outcome would linger under the new dialog as if it were about it.
      notice: null,
      confirm: {
        command,
        stream: t.stream,
        group: t.group,
        ids,
        step: asksConsumer ? 'consumer' : 'confirm',
        consumer:
          o.consumer ?? (asksConsumer ? selectClaimDefault(state, t.stream, t.group, ids) : ''),
        consumerChoices,
        ...(o.extra ? { extra: o.extra } : {}),
        ...(o.preview ? { preview: { status: 'loading' } as const } : {}),
      },
    },
  };
}

/** requestCommand, then ask the port for the plan's preview of what the dialog holds. */
export function requestWithPreview(
  state: MonitorState,
  command: CommandKind,
  o: RequestOptions,
): MonitorState {
  const s = requestCommand(state, command, { ...o, preview: true });
  if (s.ui.confirm && s.ui.confirm !== state.ui.confirm)
    want({ type: 'previewCommand', request: requestOf(s.ui.confirm) });
  return s;
}
