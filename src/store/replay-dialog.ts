/**
 * Replaying the history view's range (issue 11): `R` (or `:replay`) opens a dialog over the
 * history view with the target (a sandbox prefix — the default —, the same stream, or a new
 * consumer group), the speed, and the exact count and span read by the commands port's preview
 * (XRANGE counting, nothing written). `y` runs the `replay-range` command kind; while it runs the
 * progress line shows count, rate and ETA, `p` pauses / resumes, `.` steps one entry while
 * paused, esc cancels (the outcome says how many were copied).
 */
import { commandKind, type CommandRequest } from '../core/command-kinds.js';
import type { ActionPreview } from '../core/bulk-kinds.js';
import type { MonitorMessage } from '../core/messages.js';
import { formatSpeed, type ReplaySpeed, type ReplayTarget } from '../core/replay-range.js';
import { want } from './effects.js';
import { rangeBounds } from './history.js';
import { closeLayer, pushLayer, selectLayer, selectTopLayer, updateLayer } from './layers.js';
import type { MonitorState } from './state.js';

export const REPLAY_KIND = 'replay-range' as const;

/** The speeds `s` cycles through (`:replay speed=N` sets any other). */
export const SPEEDS: readonly ReplaySpeed[] = ['max', 1, 10, 100];

export type ReplayTargetKind = ReplayTarget['kind'];
const TARGETS: readonly ReplayTargetKind[] = ['prefix', 'same', 'group'];

export interface ReplayDialogData {
  /** The stream as the history view names it, and its key. */
  stream: string;
  key: string;
  from: string;
  to: string;
  target: ReplayTargetKind;
  /** The sandbox prefix (target `prefix`) and the new group's name (target `group`). */
  prefix: string;
  group: string;
  speed: ReplaySpeed;
  /** The commands port's preview: exact count, span, bytes (independent of target and speed). */
  preview:
    | { status: 'loading' }
    | { status: 'ready'; preview: ActionPreview }
    | { status: 'failed'; error: string };
}

declare module './layers.js' {
  interface LayerData {
    replay: ReplayDialogData;
  }
}

/** The default sandbox: inside the live prefix (so the live ACL key pattern covers it). */
export function defaultSandboxPrefix(livePrefix: string): string {
  return `${livePrefix}sandbox:`;
}

/** `replay-<yyyymmdd>-<hhmmss>` (UTC) at `now`: a new group name nobody uses yet. */
export function defaultGroupName(now: number): string {
  const iso = new Date(now).toISOString();
  return `replay-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

export function replayTargetOf(d: ReplayDialogData): ReplayTarget {
  if (d.target === 'prefix') return { kind: 'prefix', prefix: d.prefix };
  if (d.target === 'group') return { kind: 'group', group: d.group };
  return { kind: 'same' };
}

/** The command request the dialog stands for. */
export function replayRequestOf(d: ReplayDialogData): CommandRequest {
  return {
    kind: REPLAY_KIND,
    stream: d.key,
    group: d.target === 'group' ? d.group : '',
    ids: [],
    replay: {
      stream: d.stream,
      from: d.from,
      to: d.to,
      target: replayTargetOf(d),
      speed: d.speed,
    },
  };
}

/** What `:replay` may set in the dialog it opens. */
export interface ReplayChoice {
  target?: ReplayTarget;
  speed?: ReplaySpeed;
}

function notice(state: MonitorState, level: 'info' | 'error', text: string): MonitorState {
  return { ...state, ui: { ...state.ui, notice: { level, text, at: state.now, flash: true } } };
}

/** Why the dialog's target cannot be used, in one line (null: it can). */
export function replayRefusal(state: MonitorState, d: ReplayDialogData): string | null {
  if (d.target === 'prefix') {
    if (d.prefix === '') return 'the sandbox prefix is empty';
    if (d.prefix === state.config.prefix)
      return `the sandbox prefix "${d.prefix}" is the live prefix: choose another one`;
  }
  if (d.target === 'group' && d.group.trim() === '') return 'the new group needs a name';
  return null;
}

/** `R` / `:replay`: the dialog for the history view's range (refusals are one line). */
export function openReplayDialog(state: MonitorState, choice: ReplayChoice = {}): MonitorState {
  const spec = commandKind(REPLAY_KIND);
  if (state.config.readOnly && spec.readOnly === 'refuse')
    return notice(
      state,
      'error',
      `replay refused: ${state.config.readOnlyReason ?? 'read-only mode'}`,
    );
  if (state.config.deniedCommands.includes(REPLAY_KIND))
    return notice(state, 'error', 'replay refused: the Redis user may not run XADD (ACL)');
  if (state.ui.progress)
    return notice(
      state,
      'info',
      `replay: ${state.ui.progress.command} is still running (esc cancels it)`,
    );
  const h = selectLayer(state, 'history');
  if (!h || selectTopLayer(state)?.id !== 'history')
    return notice(
      state,
      'error',
      "replay: open a stream's history first (pane 2: h) and mark a range (v … v)",
    );
  const b = rangeBounds(h);
  if (!b)
    return notice(state, 'error', 'replay: no range selected (v at its first row, v at its last)');
  const t = choice.target;
  const d: ReplayDialogData = {
    stream: h.stream,
    key: h.key,
    from: b.from,
    to: b.to,
    target: t?.kind ?? 'prefix',
    prefix: t?.kind === 'prefix' ? t.prefix : defaultSandboxPrefix(state.config.prefix),
    group: t?.kind === 'group' ? t.group : defaultGroupName(state.now),
    speed: choice.speed ?? 'max',
    preview: { status: 'loading' },
  };
  const refused = replayRefusal(state, d);
  if (refused) return notice(state, 'error', `replay: ${refused}`);
  // The count and span do not depend on target or speed: asked for once, with the default
  // sandbox target (a group target's "already exists" is the run's one-line refusal).
  want({
    type: 'previewCommand',
    request: replayRequestOf({
      ...d,
      target: 'prefix',
      prefix: defaultSandboxPrefix(state.config.prefix),
    }),
  });
  return pushLayer({ ...state, ui: { ...state.ui, notice: null } }, 'replay', d);
}

function cycle<T>(list: readonly T[], at: T, delta: number): T {
  const i = list.indexOf(at);
  const n = list.length;
  return list[(((i < 0 ? 0 : i + delta) % n) + n) % n];
}

/** `y`/enter in the dialog: start the replay (the dialog closes; progress shows in its place). */
function startReplay(state: MonitorState, d: ReplayDialogData): MonitorState {
  if (d.preview.status === 'loading')
    return notice(state, 'info', 'counting the range… (y again once the count shows)');
  if (d.preview.status === 'failed')
    return notice(state, 'error', `cannot replay: ${d.preview.error} (esc closes)`);
  const refused = replayRefusal(state, d);
  if (refused) return notice(state, 'error', `replay: ${refused}`);
  const total = d.preview.preview.count;
  if (total === 0 && d.target !== 'group')
    return notice(state, 'info', 'the range holds no entries: nothing to replay (esc closes)');
  want({ type: 'runCommand', request: replayRequestOf(d) });
  const closed = closeLayer(state, 'replay');
  const what = `${total.toLocaleString('en-US')} ${total === 1 ? 'entry' : 'entries'}`;
  return {
    ...closed,
    ui: {
      ...closed.ui,
      notice: {
        level: 'info',
        text:
          d.target === 'group'
            ? `creating group ${d.group} before ${d.from}…`
            : `replaying ${what} at ${formatSpeed(d.speed)}…`,
        at: state.now,
        flash: true,
      },
      progress: {
        command: REPLAY_KIND,
        total: Math.max(1, total),
        done: 0,
        startedAt: state.now,
        at: state.now,
        cancelling: false,
        paused: false,
      },
    },
  };
}

/** `p` while a replay runs: pause, or resume a paused one. */
function togglePause(state: MonitorState): MonitorState {
  const p = state.ui.progress;
  if (!p || p.command !== REPLAY_KIND || p.cancelling) return state;
  const paused = !p.paused;
  want({ type: 'controlCommand', op: paused ? 'pause' : 'resume' });
  return {
    ...state,
    ui: {
      ...state.ui,
      progress: { ...p, paused },
      notice: {
        level: 'info',
        text: paused
          ? `replay paused at ${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} (p resumes, . steps one entry, esc cancels)`
          : 'replay resumed',
        at: state.now,
        flash: true,
      },
    },
  };
}

/** `.` while paused: one more entry. */
function step(state: MonitorState): MonitorState {
  const p = state.ui.progress;
  if (!p || p.command !== REPLAY_KIND || !p.paused || p.cancelling) return state;
  want({ type: 'controlCommand', op: 'step' });
  return state;
}

/** What the replay keys ask for (one action, `replay`, carries them). */
export type ReplayOp =
  | { kind: 'open'; choice?: ReplayChoice }
  | { kind: 'target'; delta: 1 | -1 }
  | { kind: 'speed'; delta: 1 | -1 }
  | { kind: 'confirm' }
  | { kind: 'pause' }
  | { kind: 'step' };

export function reduceReplayOp(state: MonitorState, op: ReplayOp): MonitorState {
  switch (op.kind) {
    case 'open':
      return openReplayDialog(state, op.choice);
    case 'target':
      return updateLayer(state, 'replay', (d) => ({
        ...d,
        target: cycle(TARGETS, d.target, op.delta),
      }));
    case 'speed':
      return updateLayer(state, 'replay', (d) => ({
        ...d,
        speed: cycle(SPEEDS, d.speed, op.delta),
      }));
    case 'confirm': {
      const d = selectLayer(state, 'replay');
      return d ? startReplay(state, d) : state;
    }
    case 'pause':
      return togglePause(state);
    case 'step':
      return step(state);
  }
}

/** The preview arrived (or failed): the dialog shows the count, span and bytes. */
export function reduceReplayPreviewed(
  state: MonitorState,
  msg: Extract<MonitorMessage, { type: 'CommandPreviewed' }>,
): MonitorState {
  const d = selectLayer(state, 'replay');
  if (!d || d.preview.status !== 'loading') return state;
  const preview: ReplayDialogData['preview'] = msg.error
    ? { status: 'failed', error: msg.error.message }
    : msg.preview
      ? { status: 'ready', preview: msg.preview }
      : { status: 'failed', error: 'this monitor cannot count a range (no preview)' };
  return updateLayer(state, 'replay', () => ({ ...d, preview }));
}
