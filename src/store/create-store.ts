/**
 * The monitor store: a vanilla zustand store driven from Node. Background loops call
 * `dispatch(msg)`; keys call `actions.*`. High-frequency EventsReceived messages are merged
 * and applied once per tick (batchMs, ≈100 ms) — never one setState per event. Effects
 * (loading a PEL page or an entry, running a confirmed command) are data the reducers return
 * (store/effects.ts); they are performed here, in order, through the injected ports.
 */
import type { HistoryOp } from './history.js';
import type { ReplayOp } from './replay-dialog.js';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { StreamscopeError } from '../core/errors.js';
import type { CommandKind, ErrorInfo, MonitorMessage, TailEvent } from '../core/messages.js';
import type { MonitorCommandsPort, MonitorFilesPort, MonitorQueriesPort } from '../core/ports.js';
import type { StoreAction, UiAction } from './actions.js';
import { collectEffects, type Effect } from './effects.js';
import type { Layer } from './layers.js';
import { reduce } from './reducers.js';
import { initialState, type MonitorConfig, type MonitorState, type PaneId } from './state.js';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

export interface MonitorStoreOptions {
  config: MonitorConfig;
  commands: MonitorCommandsPort;
  queries: MonitorQueriesPort;
  /** Clipboard and export files (`y`, `Y`, `e`); absent: those keys say they are not available. */
  files?: MonitorFilesPort;
  /** Local clock, ms. */
  now?: () => number;
  timers?: Timers;
  /** EventsReceived batching interval, ms. */
  batchMs?: number;
  /**
   * Live EventsReceived batching interval while entries keep arriving (a live batch was applied
   * less than 2 × this ago), ms. Default 250. Each applied batch redraws the screen, and a frame
   * of Ink costs the same however few entries it shows: a busy tail drew 10 frames/s for its
   * batches alone, and that per-frame work (Ink tokenising every line, the garbage it leaves) was
   * most of the monitor's cost over a bare XREAD loop. The first entries after a quiet spell still
   * show after batchMs; history and sampled frames always do.
   */
  streamBatchMs?: number;
  /** Clock tick for ages and events/s, ms. */
  tickMs?: number;
  /** Called by the quit action (cli/ closes loops and unmounts Ink). */
  onQuit?: () => void;
}

export interface MonitorActions {
  selectPane(pane: PaneId): void;
  cyclePane(delta: 1 | -1): void;
  moveCursor(delta: number): void;
  moveToEdge(edge: 'top' | 'bottom'): void;
  togglePause(): void;
  startFilter(): void;
  cycleSort(): void;
  /** `y` (what: 'id') / `Y` ('json'): copy the selected entry. */
  copySelected(what: 'id' | 'json'): void;
  /** `e`: export the pane's filtered (pane 3: marked, else filtered) entries to NDJSON. */
  exportRows(): void;
  editFilter(text: string): void;
  commitFilter(): void;
  openSelected(): void;
  back(): void;
  toggleHelp(): void;
  openLayer(layer: Layer): void;
  /** The history view: open, range, goto, replay (store/history.ts). */
  history(op: HistoryOp): void;
  /** Replay the history view's range: the dialog (R), its choices, pause / step (store/replay-dialog.ts). */
  replay(op: ReplayOp): void;
  toggleMark(): void;
  requestCommand(command: CommandKind): void;
  editConsumer(text: string): void;
  confirm(): void;
  cancel(): void;
  cancelCommand(): void;
  openCommandLine(): void;
  editCommandLine(text: string): void;
  completeCommandLine(): void;
  walkCommandHistory(delta: 1 | -1): void;
  submitCommandLine(): void;
  changePage(delta: 1 | -1): void;
  togglePendingOrder(): void;
  cycleGroup(delta: 1 | -1): void;
  openPicker(): void;
  notify(level: 'info' | 'ok' | 'error', text: string): void;
  quit(): void;
}

export interface MonitorStore {
  /** The zustand store React binds to (useStore(store.api, selector)). */
  api: StoreApi<MonitorState>;
  getState(): MonitorState;
  /** Messages from the background loops. */
  dispatch(msg: MonitorMessage): void;
  /** Apply a local action now (keys). */
  act(action: UiAction): void;
  actions: MonitorActions;
  /** Apply queued events now. */
  flush(): void;
  /** Start the clock. */
  start(): void;
  /** Copy the commands port's permissions (read-only, denied commands) into the state. */
  syncPermissions(): void;
  /** Stop timers; later messages are ignored. */
  close(): void;
}

export function createMonitorStore(options: MonitorStoreOptions): MonitorStore {
  const now = options.now ?? Date.now;
  const timers = options.timers ?? realTimers;
  const batchMs = options.batchMs ?? 100;
  const streamBatchMs = Math.max(batchMs, options.streamBatchMs ?? 250);
  const tickMs = options.tickMs ?? 500;
  const api = createStore<MonitorState>()(() => initialState(options.config, now()));
  let queued: TailEvent[] = [];
  let queuedAt = 0;
  /** The queued events are history (`--since`); history and live batches are never merged. */
  let queuedHistory = false;
  let batchTimer: unknown = null;
  /** A live batch was applied within 2 × streamBatchMs (cleared by `quietTimer`). */
  let streaming = false;
  let quietTimer: unknown = null;
  /**
   * A bulk action's progress: the first message is drawn at once, later ones at most once per
   * batchMs (the newest wins). A whole-PEL claim sends one per 1,000 IDs, and redrawing the
   * screen for each (≈40 ms of Ink at 100×30) made a 100,000-entry claim 5× slower than the
   * claim itself.
   */
  let progress: MonitorMessage | null = null;
  let progressTimer: unknown = null;
  let clock: unknown = null;
  let closed = false;
  /** The running command's cancel switch (one command runs at a time). */
  let running: AbortController | null = null;

  function commit(actions: readonly StoreAction[]): void {
    const prev = api.getState();
    const [next, effects] = collectEffects(() => {
      let s = prev;
      for (const a of actions) s = reduce(s, a);
      return s;
    });
    if (next !== prev) api.setState(next, true);
    perform(effects);
  }

  function takeQueued(): StoreAction[] {
    if (batchTimer !== null) {
      timers.clearTimeout(batchTimer);
      batchTimer = null;
    }
    if (queued.length === 0) return [];
    if (!queuedHistory) {
      streaming = true;
      if (quietTimer !== null) timers.clearTimeout(quietTimer);
      quietTimer = timers.setTimeout(() => {
        quietTimer = null;
        streaming = false;
      }, 2 * streamBatchMs);
    }
    const msg: StoreAction = queuedHistory
      ? { type: 'EventsReceived', events: queued, receivedAt: queuedAt, history: true }
      : { type: 'EventsReceived', events: queued, receivedAt: queuedAt };
    queued = [];
    return [msg];
  }

  function flush(): void {
    commit([...takeQueued(), ...takeProgress()]);
  }

  function flushProgress(): void {
    progressTimer = null;
    const p = progress;
    progress = null;
    if (p) commit([...takeQueued(), p]);
  }

  /** The held progress (if any), to apply before the next message: order is kept. */
  function takeProgress(): MonitorMessage[] {
    const p = progress;
    progress = null;
    return p ? [p] : [];
  }

  function dispatch(msg: MonitorMessage): void {
    if (closed) return;
    if (msg.type === 'CommandProgress') {
      if (progressTimer !== null) {
        progress = msg;
        return;
      }
      commit([...takeQueued(), ...takeProgress(), msg]);
      progressTimer = timers.setTimeout(flushProgress, batchMs);
      return;
    }
    if (msg.type === 'EventsReceived') {
      const history = msg.history === true;
      if (queued.length > 0 && history !== queuedHistory) commit(takeQueued());
      queuedHistory = history;
      for (const e of msg.events) queued.push(e);
      queuedAt = msg.receivedAt;
      if (batchTimer === null)
        batchTimer = timers.setTimeout(flush, streaming && !history ? streamBatchMs : batchMs);
      return;
    }
    // Keep order: events queued before this message are applied before it.
    commit([...takeQueued(), ...takeProgress(), msg]);
  }

  function act(action: UiAction): void {
    if (closed) return;
    commit([...takeQueued(), ...takeProgress(), action]);
  }

  function syncPermissions(): void {
    const c = options.commands;
    act({
      type: 'setPermissions',
      readOnly: c.readOnly,
      reason: c.readOnlyReason,
      denied: [...(c.deniedCommands ?? [])],
    });
  }

  /** Perform what the reducers asked for, in order. Ports never reject; guard anyway. */
  function perform(effects: readonly Effect[]): void {
    for (const e of effects) {
      if (e.type === 'loadPendingPage') {
        const req = e.request;
        options.queries
          .loadPendingPage(
            req.stream,
            req.group,
            req.order === 'idle'
              ? {
                  afterId: null,
                  count: req.count,
                  consumer: req.consumer,
                  order: 'idle',
                  offset: req.offset,
                }
              : { afterId: req.afterId, count: req.count, consumer: req.consumer, order: 'id' },
          )
          .catch((err: unknown) =>
            dispatch({
              type: 'PendingPageFailed',
              stream: req.stream,
              group: req.group,
              error: toErrorInfo(err),
              at: now(),
            }),
          );
      } else if (e.type === 'loadEntry') {
        const { stream, id } = e;
        options.queries
          .loadEntry(stream, id)
          .catch(() =>
            dispatch({ type: 'EntryLoaded', stream, id, fields: null, event: null, at: now() }),
          );
      } else if (e.type === 'loadHistoryPage') {
        const { request } = e;
        if (!options.queries.loadHistoryPage)
          dispatch({
            type: 'HistoryPageFailed',
            request,
            error: { code: 'INVALID_ARGUMENT', message: 'history is not available here' },
            at: now(),
          });
        else
          options.queries
            .loadHistoryPage(request)
            .catch((err: unknown) =>
              dispatch({ type: 'HistoryPageFailed', request, error: toErrorInfo(err), at: now() }),
            );
      } else if (e.type === 'countHistoryRange') {
        const { request } = e;
        options.queries.countHistoryRange?.(request).catch((err: unknown) =>
          dispatch({
            type: 'HistoryRangeCounted',
            request,
            count: 0,
            estimated: false,
            done: true,
            firstId: null,
            lastId: null,
            error: toErrorInfo(err).message,
            at: now(),
          }),
        );
      } else if (e.type === 'cancelHistoryCount') {
        options.queries.cancelHistoryCount?.();
      } else if (e.type === 'listArchivedStreams') {
        // A listing that fails leaves the names it had: `:history` still opens live streams.
        options.queries.listArchivedStreams?.().catch(() => {});
      } else if (e.type === 'cancelCommand') {
        running?.abort();
      } else if (e.type === 'controlCommand') {
        if (running) options.commands.control?.(e.op);
      } else if (e.type === 'markPending') {
        const { stream, group, rule } = e;
        const failed = (message: string) =>
          dispatch({
            type: 'PendingMarkFailed',
            stream,
            group,
            rule,
            error: { code: 'INVALID_ARGUMENT', message },
            at: now(),
          });
        if (!options.queries.markPending) failed('marking by rule is not available here');
        else
          options.queries
            .markPending(stream, group, rule)
            .catch((err: unknown) => failed(toErrorInfo(err).message));
      } else if (e.type === 'loadDeadLetters') {
        const failed = (message: string) =>
          dispatch({ type: 'DeadLettersFailed', error: { code: 'REDIS', message }, at: now() });
        if (!options.queries.loadDeadLetters) failed('dead letters cannot be listed here');
        else
          options.queries
            .loadDeadLetters()
            .catch((err: unknown) => failed(toErrorInfo(err).message));
      } else if (e.type === 'previewCommand') {
        const { request } = e;
        const done = (error: ErrorInfo | null) =>
          dispatch({
            type: 'CommandPreviewed',
            command: request.kind,
            preview: null,
            error,
            at: now(),
          });
        if (!options.commands.preview) done(null);
        else options.commands.preview(request).catch((err: unknown) => done(toErrorInfo(err)));
      } else if (e.type === 'loadEntries') {
        options.queries.loadEntries?.(e.stream, e.ids).catch(() => {});
      } else if (e.type === 'findCounterpart') {
        const { fromStream, id, eventId, toStream } = e;
        if (options.queries.findCounterpart)
          options.queries.findCounterpart(fromStream, id, eventId, toStream).catch(() => {});
        else
          dispatch({ type: 'CounterpartFound', fromStream, id, toStream, toId: null, at: now() });
      } else if (e.type === 'copy') {
        const text = options.files
          ? options.files.copy(e.text, e.what)
          : `not copied: no clipboard here (${e.what})`;
        act({ type: 'notify', level: options.files ? 'ok' : 'error', text });
      } else if (e.type === 'export') {
        if (!options.files)
          act({ type: 'notify', level: 'error', text: 'export is not available here' });
        else options.files.exportEntries(e.name, e.records).catch(() => {});
      } else {
        const { request } = e;
        const controller = new AbortController();
        running = controller;
        options.commands
          .run(request, { signal: controller.signal })
          .catch((err: unknown) =>
            dispatch({
              type: 'CommandFailed',
              command: request.kind,
              requested: request.ids.length,
              error: toErrorInfo(err),
              at: now(),
            }),
          )
          // A NOPERM reply teaches the port a permission: show it on the keys right away.
          .finally(() => {
            if (running === controller) running = null;
            syncPermissions();
          });
      }
    }
  }

  const a = (action: UiAction) => () => act(action);
  const actions: MonitorActions = {
    selectPane: (pane) => act({ type: 'selectPane', pane }),
    cyclePane: (delta) => act({ type: 'cyclePane', delta }),
    moveCursor: (delta) => act({ type: 'moveCursor', delta }),
    moveToEdge: (edge) => act({ type: 'moveToEdge', edge }),
    togglePause: a({ type: 'togglePause' }),
    startFilter: a({ type: 'startFilter' }),
    cycleSort: a({ type: 'cycleSort' }),
    copySelected: (what) => act({ type: 'copySelected', what }),
    exportRows: a({ type: 'exportRows' }),
    editFilter: (text) => act({ type: 'editFilter', text }),
    commitFilter: a({ type: 'commitFilter' }),
    openSelected: a({ type: 'openSelected' }),
    back: a({ type: 'back' }),
    toggleHelp: a({ type: 'toggleHelp' }),
    openLayer: (layer) => act({ type: 'openLayer', layer }),
    history: (op) => act({ type: 'history', op }),
    replay: (op) => act({ type: 'replay', op }),
    toggleMark: a({ type: 'toggleMark' }),
    requestCommand: (command) => act({ type: 'requestCommand', command }),
    editConsumer: (text) => act({ type: 'editConsumer', text }),
    confirm: a({ type: 'confirm' }),
    cancel: a({ type: 'cancel' }),
    cancelCommand: a({ type: 'cancelCommand' }),
    openCommandLine: a({ type: 'openCommandLine' }),
    editCommandLine: (text) => act({ type: 'editCommandLine', text }),
    completeCommandLine: a({ type: 'completeCommandLine' }),
    walkCommandHistory: (delta) => act({ type: 'walkCommandHistory', delta }),
    submitCommandLine: a({ type: 'submitCommandLine' }),
    changePage: (delta) => act({ type: 'changePage', delta }),
    togglePendingOrder: a({ type: 'togglePendingOrder' }),
    cycleGroup: (delta) => act({ type: 'cycleGroup', delta }),
    openPicker: a({ type: 'openPicker' }),
    notify: (level, text) => act({ type: 'notify', level, text }),
    quit: () => options.onQuit?.(),
  };

  return {
    api,
    getState: () => api.getState(),
    dispatch,
    act,
    actions,
    flush,
    syncPermissions,
    start() {
      if (clock === null && !closed)
        clock = timers.setInterval(() => act({ type: 'tick', now: now() }), tickMs);
    },
    close() {
      closed = true;
      if (batchTimer !== null) timers.clearTimeout(batchTimer);
      if (quietTimer !== null) timers.clearTimeout(quietTimer);
      if (progressTimer !== null) timers.clearTimeout(progressTimer);
      if (clock !== null) timers.clearInterval(clock);
      batchTimer = null;
      clock = null;
      queued = [];
    },
  };
}

/** A port broke its promise never to reject: keep its code when it is one of ours. */
function toErrorInfo(err: unknown): ErrorInfo {
  return {
    code: err instanceof StreamscopeError ? err.code : 'REDIS',
    message: err instanceof Error ? err.message : String(err),
  };
}
