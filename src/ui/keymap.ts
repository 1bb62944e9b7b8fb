/**
 * Key bindings as data. One list — the global keys, every registered pane's keys (and its layers'),
 * the shared layers' keys — drives input handling (handleKey), the footer hints, the `?` overlay
 * and the README key table (renderKeyTableMarkdown). It is built from the pane registry
 * (ui/panes/registry.ts), so a new pane's keys, number key and `?` section need no edit here.
 * A binding that cannot run says why (disabledReason), e.g. every mutating key in read-only mode.
 */
import type { MonitorActions } from '../store/create-store.js';
import type { MonitorState } from '../store/state.js';
import { filterTextOf } from '../store/table-view.js';
import { selectTop, selectTopLayer } from '../store/layers.js';
import { bind, type KeyBinding, type KeyContext } from './bindings.js';
import { paneById, paneLayers, panes, registryVersion } from './panes/registry.js';

export { ANY_KEY, mutationBlocked, type KeyBinding, type KeyContext } from './bindings.js';

/** One screen minus one row of overlap, so the last row seen stays in view. */
const pageStep = (s: MonitorState): number => Math.max(1, s.ui.pageRows - 1);

/** The keys of a running replay (p, ., esc): ahead of the pane's and the history view's. */
const REPLAY_PROGRESS = 'replay-progress';

/** A replayed range runs and nothing but the history view is over the pane. */
function replayRunning(state: MonitorState): boolean {
  const p = state.ui.progress;
  const top = selectTopLayer(state);
  return p?.command === 'replay-range' && !p.cancelling && (!top || top.id === 'history');
}

/** Quit and help: first in the footer and in `?`. */
const FIRST: readonly KeyBinding[] = [
  // Always: quit and help.
  bind('global', {
    keys: ['q'],
    label: 'quit',
    description: 'Quit (connections closed, terminal restored)',
    footer: true,
    run: (a) => a.quit(),
  }),
  bind('global', {
    keys: ['?'],
    label: 'help',
    description: 'Show or hide this help',
    footer: true,
    run: (a) => a.toggleHelp(),
  }),
];

/** Moving around: every list, the detail view and the help. */
const NAVIGATION: readonly KeyBinding[] = [
  bind('global', {
    keys: ['tab'],
    label: 'next pane',
    description: 'Next pane',
    run: (a) => a.cyclePane(1),
  }),
  bind('global', {
    keys: ['shift+tab'],
    label: 'prev pane',
    description: 'Previous pane',
    run: (a) => a.cyclePane(-1),
  }),
  bind('global', {
    keys: ['j', 'down'],
    label: 'down',
    description: 'Move down (scroll in the detail view)',
    run: (a) => a.moveCursor(1),
  }),
  bind('global', {
    keys: ['k', 'up'],
    label: 'up',
    description: 'Move up (scroll in the detail view)',
    run: (a) => a.moveCursor(-1),
  }),
  bind('global', {
    keys: ['pgdn'],
    label: 'page down',
    description: 'Move down one screen (minus one row of overlap)',
    run: (a, s) => a.moveCursor(pageStep(s)),
  }),
  bind('global', {
    keys: ['pgup'],
    label: 'page up',
    description: 'Move up one screen (minus one row of overlap)',
    run: (a, s) => a.moveCursor(-pageStep(s)),
  }),
  bind('global', {
    keys: ['g', 'home'],
    label: 'top',
    description: 'Go to the first row',
    run: (a) => a.moveToEdge('top'),
  }),
  bind('global', {
    keys: ['G', 'end'],
    label: 'bottom',
    description: 'Go to the last row (live events: follow the tail again)',
    run: (a) => a.moveToEdge('bottom'),
  }),
  bind('global', {
    keys: ['esc'],
    label: 'back',
    description: 'Back: close the view on top, clear the filter or the marks',
    run: (a) => a.back(),
  }),

  bind('global', {
    keys: [':'],
    label: 'command',
    description:
      'Open the command line (mark <rule>, unmark, ack, claim, deadletter, delconsumer, setid, redrive, undo, show, history, goto, range); tab completes',
    run: (a) => a.openCommandLine(),
  }),

  bind('global', {
    keys: ['ctrl+c'],
    label: 'quit',
    description: 'Quit from anywhere, even while typing',
    run: (a) => a.quit(),
  }),
];

/** The shared layers: the detail view, the filter line, the dialogs, the help. */
const SHARED_LAYERS: readonly KeyBinding[] = [
  // The `:` command line (typed text edits the line)
  bind('command', {
    keys: ['enter'],
    label: 'run',
    description: 'Run the line (an error is shown inline and the line stays open)',
    footer: true,
    run: (a) => a.submitCommandLine(),
  }),
  bind('command', {
    keys: ['tab'],
    label: 'complete',
    description: 'Complete the verb, rule term, consumer, group or stream being typed',
    footer: true,
    run: (a) => a.completeCommandLine(),
  }),
  bind('command', {
    keys: ['up'],
    label: 'history',
    description: 'The previous line run from here',
    footer: true,
    run: (a) => a.walkCommandHistory(-1),
  }),
  bind('command', {
    keys: ['down'],
    label: 'newer',
    description: 'The next line in the history',
    run: (a) => a.walkCommandHistory(1),
  }),
  bind('command', {
    keys: ['esc'],
    label: 'cancel',
    description: 'Close the command line; nothing runs',
    footer: true,
    run: (a) => a.back(),
  }),

  // Detail view
  bind('detail', {
    keys: ['esc'],
    label: 'back',
    description: 'Close the detail view',
    footer: true,
    run: (a) => a.back(),
  }),

  bind('detail', {
    keys: ['y'],
    label: 'copy ID',
    description: 'Copy the entry ID (OSC 52; else to a file under the state dir)',
    run: (a) => a.copySelected('id'),
  }),
  bind('detail', {
    keys: ['Y'],
    label: 'copy JSON',
    description: 'Copy the entry as JSON: id, stream, raw fields, decoded event or null',
    run: (a) => a.copySelected('json'),
  }),

  // Filter line (typed text edits the filter)
  bind('filter', {
    keys: ['enter'],
    label: 'keep filter',
    description: 'Keep the filter and return to the list',
    footer: true,
    run: (a) => a.commitFilter(),
  }),
  bind('filter', {
    keys: ['ctrl+u'],
    label: 'clear',
    description: 'Clear the filter line',
    footer: true,
    run: (a) => a.editFilter(''),
  }),
  bind('filter', {
    keys: ['esc'],
    label: 'cancel',
    description: 'Restore the previous filter',
    footer: true,
    run: (a) => a.back(),
  }),

  // Confirm dialog (claim: type a consumer name or pick one with ↑/↓)
  bind('confirm', {
    keys: ['y', 'enter'],
    label: 'confirm',
    description: 'Confirm: run the command on the entries the dialog names',
    footer: true,
    run: (a) => a.confirm(),
  }),
  bind('confirm', {
    keys: ['n', 'esc'],
    label: 'cancel',
    description: 'Cancel; nothing is sent',
    footer: true,
    run: (a) => a.cancel(),
  }),
  bind('confirm', {
    keys: ['down'],
    label: 'next consumer',
    description: 'Claim: pick the next existing consumer as the target',
    run: (a) => a.moveCursor(1),
  }),
  bind('confirm', {
    keys: ['up'],
    label: 'prev consumer',
    description: 'Claim: pick the previous existing consumer',
    run: (a) => a.moveCursor(-1),
  }),

  // A replayed range while it runs, over the pane or the history view (store/replay-dialog.ts).
  bind(REPLAY_PROGRESS, {
    keys: ['p'],
    label: 'pause',
    description: 'Pause the running replay, or resume it',
    footer: true,
    run: (a) => a.replay({ kind: 'pause' }),
  }),
  bind(REPLAY_PROGRESS, {
    keys: ['.'],
    label: 'step',
    description: 'While the replay is paused: replay one more entry',
    footer: true,
    disabledReason: (s) => (s.ui.progress?.paused ? null : 'only while paused (p pauses)'),
    run: (a) => a.replay({ kind: 'step' }),
  }),
  bind(REPLAY_PROGRESS, {
    keys: ['esc'],
    label: 'cancel',
    description: 'Cancel the replay: the copies made so far stay, the outcome says how many',
    footer: true,
    run: (a) => a.cancelCommand(),
  }),

  // A long failure in the notice line: its short line names this key.
  bind('notice', {
    keys: ['enter'],
    label: 'details',
    description: 'A long failure in the notice line: show it in full (esc closes)',
    run: (a, s) => {
      const text = s.ui.notice?.details;
      if (text) a.openLayer({ id: 'outcome', data: { text, scroll: 0 } });
    },
  }),
  bind('outcome', {
    keys: ['esc'],
    label: 'close',
    description: 'Close the failure details',
    footer: true,
    run: (a) => a.back(),
  }),

  // Help overlay
  bind('help', {
    keys: ['esc', '?'],
    label: 'close',
    description: 'Close the help',
    footer: true,
    run: (a) => a.toggleHelp(),
  }),
];

let built: { version: number; list: readonly KeyBinding[] } | null = null;

/** Every binding: global, the number keys of the registered panes, each pane's and layer's own. */
export function keymap(): readonly KeyBinding[] {
  if (built && built.version === registryVersion()) return built.list;
  const numberKeys = panes().map((p) =>
    bind('global', {
      keys: [p.key],
      label: p.id,
      description: `${p.title} pane`,
      run: (a) => a.selectPane(p.id),
    }),
  );
  const own = panes().flatMap((p) => [
    ...p.bindings.map((b) => bind(p.id, b)),
    ...(p.layers ?? []).flatMap((l) => l.bindings.map((b) => bind(l.id, b))),
  ]);
  const list = [...FIRST, ...numberKeys, ...NAVIGATION, ...own, ...SHARED_LAYERS];
  built = { version: registryVersion(), list };
  return list;
}

// ── input ──────────────────────────────────────────────────────────────────────────────────

/** The subset of Ink's Key this module reads (so tests can build keys by hand). */
export interface InkKey {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

/** Ink's (input, key) → one name used in the keymap. */
export function keyName(input: string, key: InkKey): string {
  if (key.ctrl && input === 'c') return 'ctrl+c';
  if (key.return) return 'enter';
  if (key.escape) return 'esc';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pgup';
  if (key.pageDown) return 'pgdn';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl) return `ctrl+${input}`;
  if (input === ' ') return 'space';
  return input;
}

/**
 * What receives keys now: the top layer of `ui.layers` (the one the reducers act on and App
 * draws in front), or the pane when no layer is open.
 */
export function activeContext(state: MonitorState): KeyContext {
  return selectTopLayer(state)?.id ?? state.ui.pane;
}

/** Text is being typed (filter, claim target): printable keys are text, not commands. */
export function isTyping(state: MonitorState): boolean {
  const top = selectTopLayer(state);
  return (
    top?.id === 'filter' ||
    top?.id === 'command' ||
    (top?.id === 'confirm' && top.data.step === 'consumer')
  );
}

/**
 * The contexts whose keys apply now, first match wins: a long failure's `enter` (while its
 * short line is shown over the pane), then the active context.
 */
function liveBindings(state: MonitorState): KeyBinding[] {
  const ctx = activeContext(state);
  const own = withFirst(bindingsFor(ctx), replayRunning(state) ? REPLAY_PROGRESS : null);
  if (!state.ui.notice?.details || selectTopLayer(state)) return own;
  const notice = keymap().filter((b) => b.pane === 'notice');
  return [
    ...notice,
    ...own.filter((b) => !notice.some((n) => n.keys.some((k) => b.keys.includes(k)))),
  ];
}

/** The bindings of context `first` ahead of `list` (whose same keys they take over). */
function withFirst(list: KeyBinding[], first: KeyContext | null): KeyBinding[] {
  if (!first) return list;
  const ahead = keymap().filter((b) => b.pane === first);
  return [
    ...ahead,
    ...list.filter((b) => !ahead.some((a) => a.keys.some((k) => b.keys.includes(k)))),
  ];
}

/** Bindings that apply in a context, most specific first. */
export function bindingsFor(context: KeyContext): KeyBinding[] {
  const own = keymap().filter((b) => b.pane === context);
  if (context === 'filter' || context === 'confirm' || context === 'command')
    return [...own, ...keymap().filter((b) => b.keys.includes('ctrl+c'))];
  return [
    ...own,
    ...keymap().filter(
      (b) => b.pane === 'global' && !own.some((o) => o.keys.some((k) => b.keys.includes(k))),
    ),
  ];
}

function isPrintable(name: string): boolean {
  return name === 'space' || [...name].length === 1;
}

export function resolveBinding(state: MonitorState, name: string): KeyBinding | null {
  if (isTyping(state) && isPrintable(name)) return null;
  return liveBindings(state).find((b) => b.keys.includes(name)) ?? null;
}

export type KeyResult =
  | { kind: 'ran'; binding: KeyBinding }
  | { kind: 'disabled'; binding: KeyBinding; reason: string }
  | { kind: 'typed' }
  | { kind: 'ignored' };

/**
 * Handle one key press: run its binding, or refuse it (disabled: the reason is shown), or
 * edit the text being typed. The single entry point for input.
 */
export function handleKey(
  state: MonitorState,
  actions: MonitorActions,
  input: string,
  key: InkKey,
): KeyResult {
  const name = keyName(input, key);
  const binding = resolveBinding(state, name);
  if (binding) {
    const reason = binding.disabledReason(state);
    if (reason) {
      actions.notify('error', `${binding.label}: ${reason}`);
      return { kind: 'disabled', binding, reason };
    }
    binding.run(actions, state);
    return { kind: 'ran', binding };
  }
  if (isTyping(state)) {
    const claim = selectTop(state, 'confirm');
    const line = selectTop(state, 'command');
    const editing = claim
      ? claim.consumer
      : line
        ? line.text
        : filterTextOf(state, selectTop(state, 'filter')?.pane ?? 'events');
    let next: string | null = null;
    if (name === 'backspace') next = editing.slice(0, -1);
    else if (!key.ctrl && !key.meta && input && !/[\x00-\x1f\x7f]/.test(input))
      next = editing + input;
    if (next === null) return { kind: 'ignored' };
    if (claim) actions.editConsumer(next);
    else if (line) actions.editCommandLine(next);
    else actions.editFilter(next);
    return { kind: 'typed' };
  }
  return { kind: 'ignored' };
}

/**
 * Ink hands a burst of keys (typed fast, pasted, or sent by a script: tmux `send-keys 'abc' Enter`)
 * to useInput as one string. It is handled piece by piece, re-reading the state after each piece
 * (enter may end the typing): while typing, a run of printable characters is text (one edit);
 * control characters are keys of their own (`\x7f`/`\b` backspace, `\r` enter, `\t` tab, a lone
 * `\x1b` esc). Outside text entry every character is a key.
 */
export function handleInput(
  getState: () => MonitorState,
  actions: MonitorActions,
  input: string,
  key: InkKey,
): KeyResult[] {
  const plain = !key.ctrl && !key.meta && !key.return && !key.escape && !key.tab;
  const chars = [...input];
  if (!plain || chars.length <= 1) return [handleKey(getState(), actions, input, key)];
  const results: KeyResult[] = [];
  for (let i = 0; i < chars.length;) {
    const ch = chars[i];
    if (isTyping(getState()) && !CONTROL.test(ch)) {
      let j = i + 1;
      while (j < chars.length && !CONTROL.test(chars[j])) j++;
      results.push(handleKey(getState(), actions, chars.slice(i, j).join(''), {}));
      i = j;
      continue;
    }
    // ctrl+u inside a burst (tmux send-keys C-u with text): the key, not a character.
    if (ch === '\x15') {
      results.push(handleKey(getState(), actions, 'u', { ctrl: true }));
      i++;
      continue;
    }
    const special = BURST_KEYS[ch];
    results.push(handleKey(getState(), actions, special ? '' : ch, special ?? {}));
    i++;
  }
  return results;
}

const CONTROL = /[\x00-\x1f\x7f]/;

/** Control characters inside a burst (`j` then enter sent together) are keys, not text. */
const BURST_KEYS: Record<string, InkKey> = {
  '\r': { return: true },
  '\n': { return: true },
  '\t': { tab: true },
  '\x7f': { backspace: true },
  '\b': { backspace: true },
  '\x1b': { escape: true },
};

// ── what the footer, the overlay and the README show ───────────────────────────────────────

export interface Hint {
  keys: string;
  label: string;
  disabled: string | null;
}

const KEY_LABEL: Record<string, string> = {
  up: '↑',
  down: '↓',
  space: 'space',
  'shift+tab': 'S-tab',
};
export function keysLabel(keys: readonly string[]): string {
  return keys.map((k) => KEY_LABEL[k] ?? k).join('/');
}

/** The footer: footer bindings of the active context, then the global ones. */
export function footerHints(state: MonitorState): Hint[] {
  const typing = isTyping(state);
  const hints: Hint[] = [];
  for (const b of liveBindings(state)) {
    // While typing, printable keys are text: only hint the keys that still act.
    const keys = typing ? b.keys.filter((k) => !isPrintable(k)) : b.keys;
    if ((b.footer || (typing && b.pane !== 'global')) && keys.length)
      hints.push({ keys: keysLabel(keys), label: b.label, disabled: b.disabledReason(state) });
  }
  return hints;
}

const SHARED_TITLES: Record<string, string> = {
  global: 'Everywhere',
  detail: 'Detail view',
  filter: 'Filter line',
  command: 'Command line (:)',
  confirm: 'Confirm dialog',
  [REPLAY_PROGRESS]: 'Replay in progress (p, ., esc)',
  notice: 'Notice line (a long failure)',
  outcome: 'Failure details',
  help: 'Help',
};

/** The `?` / README section title of a context: "3 Pending entries", "Stream/group picker (3)"… */
export function contextTitle(ctx: KeyContext): string {
  const pane = paneById(ctx);
  if (pane) return `${pane.key} ${pane.title}`;
  return paneLayers().find((l) => l.id === ctx)?.title ?? SHARED_TITLES[ctx] ?? ctx;
}

/** Sections of `?` and the README, in order: global, each pane then its layers, the shared layers. */
export function contextOrder(): KeyContext[] {
  return [
    'global',
    ...panes().flatMap((p) => [p.id, ...(p.layers ?? []).map((l) => l.id)]),
    'detail',
    'filter',
    'command',
    'confirm',
    REPLAY_PROGRESS,
    'notice',
    'outcome',
    'help',
  ];
}

/** The README key table (generated; a test keeps README and this list in step). */
export function renderKeyTableMarkdown(): string {
  const lines = ['| Key | Where | Action | Changes data |', '| --- | --- | --- | --- |'];
  for (const ctx of contextOrder()) {
    for (const b of keymap().filter((x) => x.pane === ctx)) {
      const keys = b.keys.map((k) => `\`${k === '|' ? '\\|' : k}\``).join(' ');
      // Markdown cells: a | ends the cell and <t> would be read as an HTML tag.
      const text = b.description.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      lines.push(
        `| ${keys} | ${contextTitle(ctx)} | ${text} | ${b.mutates ? 'yes (disabled by `--read-only` or a missing ACL permission)' : 'no'} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
