/**
 * The `:` command line's reducer: open, edit, tab completion, history, and what enter runs. The
 * language itself (verbs, rules, completion) is pure in core/command-line.ts; here it meets the
 * state: names are checked against the last snapshot, and each verb becomes what its key would
 * do — marks, the confirm dialog (with the plan's preview for setid, delconsumer, undo), or
 * showing a group. Verbs that act on entries act on pane 3's group (or pane 5's dead letters).
 */
import {
  completeCommandLine,
  parseCommandLine,
  type CommandLineCommand,
  type CommandLineContext,
} from '../core/command-line.js';
import type { UiAction } from './actions.js';
import { PANE as DLQ_PANE, markDeadLettersByRule } from './dead-letters.js';
import { want } from './effects.js';
import { closeAllLayers, closeLayer, pushLayer, selectLayer, updateLayer } from './layers.js';
import { showPending } from './pending.js';
import { historyGoto, historyRange, openHistory } from './history.js';
import { openReplayDialog } from './replay-dialog.js';
import { selectConsumersOf, selectKeys, selectServerNowMs, stripPrefix } from './selectors.js';
import type { CommandLineState, MonitorState } from './state.js';
import { requestCommand, requestWithPreview } from './ui-reducers.js';

/** Lines kept for up/down. */
const HISTORY = 100;

export type CommandLineAction = Extract<
  UiAction,
  {
    type:
      | 'openCommandLine'
      | 'editCommandLine'
      | 'completeCommandLine'
      | 'walkCommandHistory'
      | 'submitCommandLine';
  }
>;

/**
 * The stream a name on the line means: the snapshot's stream shown by that name (prefix
 * stripped), else the key core/keys.ts gives the name (a type, `all`, `dlq:<type>`).
 */
function streamKeyNamed(state: MonitorState, name: string): string {
  const prefix = state.config.prefix;
  const shown = state.snapshot.streams.find((s) => stripPrefix(prefix, s.key) === name);
  return shown?.key ?? selectKeys(state).streamNamed(name);
}

/** What the line may name now: pane 3's group and its consumers, every stream and group. */
export function commandLineContext(state: MonitorState): CommandLineContext {
  const prefix = state.config.prefix;
  const t = state.pending.target;
  const streamOf = (name: string) =>
    state.snapshot.streams.find((s) => stripPrefix(prefix, s.key) === name);
  // Pane 5 marks dead letters: their consumers are the names a rule may use.
  const inDlq = state.ui.pane === DLQ_PANE;
  return {
    consumers: inDlq
      ? [...new Set(state.deadLetters.rows.map((r) => r.consumer))]
      : t
        ? selectConsumersOf(state, t.stream, t.group)
        : null,
    groups: t
      ? (state.snapshot.streams.find((s) => s.key === t.stream)?.groups.map((g) => g.name) ?? [])
      : [],
    streams: state.snapshot.streams.map((s) => stripPrefix(prefix, s.key)),
    groupsOf: (name) => streamOf(name)?.groups.map((g) => g.name) ?? [],
    nowMs: selectServerNowMs(state),
    historyStream: selectLayer(state, 'history')?.stream ?? null,
    archivedStreams: state.archivedStreams
      .filter((k) => k.startsWith(prefix))
      .map((k) => stripPrefix(prefix, k)),
  };
}

/** The line is a layer on the overlay stack (store/layers.ts): on top while it is typed in. */
function withLine(state: MonitorState, line: CommandLineState | null): MonitorState {
  if (line === null) return closeLayer(state, 'command');
  return selectLayer(state, 'command')
    ? updateLayer(state, 'command', () => line)
    : pushLayer(state, 'command', line);
}

const fresh = (text = ''): CommandLineState => ({
  text,
  candidates: [],
  error: null,
  historyAt: null,
});

export function reduceCommandLine(state: MonitorState, a: CommandLineAction): MonitorState {
  const line = selectLayer(state, 'command');
  switch (a.type) {
    case 'openCommandLine':
      // Not over a dialog: the dialog's answer comes first.
      if (selectLayer(state, 'confirm')) return state;
      // With --archive, `history` also offers streams that live only in the archive now.
      if (!line) want({ type: 'listArchivedStreams' });
      return withLine(state, line ?? fresh());
    case 'editCommandLine':
      return line ? withLine(state, { ...line, text: a.text, candidates: [], error: null }) : state;
    case 'completeCommandLine': {
      if (!line) return state;
      const c = completeCommandLine(line.text, commandLineContext(state));
      return withLine(state, {
        ...line,
        text: c.text,
        candidates: c.candidates.length > 1 ? c.candidates : [],
        error: c.candidates.length === 0 ? 'nothing to complete here' : null,
      });
    }
    case 'walkCommandHistory': {
      if (!line) return state;
      const h = state.ui.commandHistory;
      if (h.length === 0) return state;
      const at = line.historyAt ?? h.length;
      const next = Math.max(0, Math.min(h.length, at + a.delta));
      return withLine(state, {
        ...fresh(next === h.length ? '' : h[next]),
        historyAt: next === h.length ? null : next,
      });
    }
    case 'submitCommandLine': {
      if (!line) return state;
      const text = line.text.trim();
      if (text === '') return withLine(state, null);
      const parsed = parseCommandLine(text, commandLineContext(state));
      if (!parsed.ok) return withLine(state, { ...line, error: parsed.error, candidates: [] });
      const h = state.ui.commandHistory;
      const history = (h[h.length - 1] === text ? h : [...h, text]).slice(-HISTORY);
      const closed = closeLayer(
        { ...state, ui: { ...state.ui, commandHistory: history } },
        'command',
      );
      return runCommand(closed, parsed.command);
    }
  }
}

function notice(state: MonitorState, level: 'info' | 'error' | 'ok', text: string): MonitorState {
  return { ...state, ui: { ...state.ui, notice: { level, text, at: state.now, flash: true } } };
}

/** What a parsed line does: the same as its key would (marks, the confirm dialog, a group). */
function runCommand(state: MonitorState, c: CommandLineCommand): MonitorState {
  const t = state.pending.target;
  // Verbs on entries act on pane 3's group: show it (every other layer closed).
  const onPending: MonitorState = closeAllLayers({
    ...state,
    ui: { ...state.ui, pane: 'pending' },
  });
  switch (c.verb) {
    case 'mark': {
      if (state.ui.pane === DLQ_PANE) {
        const s = markDeadLettersByRule(state, c.rule, c.ruleText);
        const n = s.deadLetters.marks.length;
        return notice(
          s,
          n ? 'ok' : 'info',
          n
            ? `marked ${n.toLocaleString('en-US')} dead ${n === 1 ? 'letter' : 'letters'} (${c.ruleText}); r redrives, x deletes`
            : `no dead letter matches ${c.ruleText}; nothing marked`,
        );
      }
      if (!t) return notice(state, 'error', 'mark: no group shown; pick one in pane 3 (s)');
      want({ type: 'markPending', stream: t.stream, group: t.group, rule: c.ruleText });
      return notice(
        { ...onPending, pending: { ...state.pending, marking: c.ruleText } },
        'info',
        `marking ${c.ruleText} across the whole pending list of ${t.group}…`,
      );
    }
    case 'unmark':
      return notice(
        {
          ...state,
          pending: { ...state.pending, marks: [], markRule: null },
          deadLetters: { ...state.deadLetters, marks: [], markRule: null },
        },
        'info',
        'marks cleared',
      );
    case 'ack':
      return requestCommand(onPending, 'ack', { pane: 'pending' });
    case 'deadletter':
      return requestCommand(onPending, 'deadletter', {
        pane: 'pending',
        ...(c.reason ? { extra: { reason: c.reason } } : {}),
      });
    case 'claim':
      return requestCommand(onPending, 'claim', {
        pane: 'pending',
        ...(c.consumer ? { consumer: c.consumer } : {}),
      });
    case 'delconsumer': {
      if (!t) return notice(state, 'error', 'delconsumer: no group shown');
      // One holding entries: the one confirm is "claim all to <other> first" (the most recently
      // active other consumer unless to= names one).
      const holds =
        state.snapshot.streams
          .find((s) => s.key === t.stream)
          ?.groups.find((g) => g.name === t.group)
          ?.consumerList.find((x) => x.name === c.consumer)?.pending ?? 0;
      const others = state.snapshot.streams
        .find((s) => s.key === t.stream)
        ?.groups.find((g) => g.name === t.group)
        ?.consumerList.filter((x) => x.name !== c.consumer)
        .sort((x, y) => x.idleMs - y.idleMs);
      const moveTo = c.moveTo ?? (holds > 0 ? (others?.[0]?.name ?? null) : null);
      return requestWithPreview(onPending, 'delconsumer', {
        target: { stream: t.stream, group: t.group, ids: [] },
        extra: { consumer: c.consumer, ...(moveTo ? { moveTo } : {}) },
      });
    }
    case 'setid':
      if (!t) return notice(state, 'error', 'setid: no group shown');
      return requestWithPreview(onPending, 'setid', {
        target: { stream: t.stream, group: t.group, ids: [] },
        extra: { target: c.target },
      });
    case 'undo':
      return requestWithPreview(state, 'undo', {
        target: { stream: t?.stream ?? '', group: t?.group ?? '', ids: [] },
        extra: c.journalId ? { journalId: c.journalId } : {},
      });
    case 'redrive':
      return requestCommand(
        closeAllLayers({ ...state, ui: { ...state.ui, pane: DLQ_PANE } }),
        'redrive',
        {
          pane: DLQ_PANE,
          ...(c.ratePerSec ? { extra: { ratePerSec: c.ratePerSec } } : {}),
        },
      );
    case 'show': {
      const stream = streamKeyNamed(state, c.stream);
      const group =
        c.group ??
        state.snapshot.streams
          .find((s) => s.key === stream)
          ?.groups.slice()
          .sort((x, y) => y.pending - x.pending)[0]?.name;
      if (!group) return notice(state, 'error', `show: stream ${c.stream} has no consumer groups`);
      return showPending(state, { stream, group, consumer: null });
    }
    case 'history':
      return openHistory(closeAllLayers(state), c.stream, streamKeyNamed(state, c.stream));
    case 'goto':
      return historyGoto(state, c.id);
    case 'range':
      return historyRange(state, c.from, c.to);
    case 'replay':
      return openReplayDialog(state, {
        ...(c.target ? { target: c.target } : {}),
        ...(c.speed !== null ? { speed: c.speed } : {}),
      });
  }
}
