/**
 * Key bindings as data. This one list drives input handling (handleKey), the footer hints,
 * the `?` overlay and the README key table (renderKeyTableMarkdown). A binding that cannot
 * run says why (disabledReason), e.g. every mutating key in read-only mode.
 */
import { commandKind, probedCommandsOf, type CommandKind } from '../core/command-kinds.js';
import type { MonitorActions } from '../store/create-store.js';
import { selectActionIds } from '../store/selectors.js';
import type { MonitorState, PaneId } from '../store/state.js';

/** Where a binding applies. `global`: every pane, the detail view and help. */
export type KeyContext =
  'global' | PaneId | 'picker' | 'detail' | 'filter' | 'confirm' | 'outcome' | 'help';

export interface KeyBinding {
  /** Normalised key names (see keyName): `j`, `G`, `enter`, `esc`, `space`, `shift+tab`, `ctrl+c`… */
  keys: readonly string[];
  /** Short label for the footer. */
  label: string;
  /** One sentence for the help overlay and the README. */
  description: string;
  pane: KeyContext;
  /** Changes data in Redis (removed in read-only mode). */
  mutates: boolean;
  /** Shown in the footer hint bar. */
  footer: boolean;
  /** Why the binding cannot run now, or null. */
  disabledReason(state: MonitorState): string | null;
  run(actions: MonitorActions, state: MonitorState): void;
}

const never = (): null => null;

/** Stands for every key in the outcome dialog (ctrl+c still quits). */
export const ANY_KEY = 'any key';

/**
 * Why `kind` cannot run now, by its record in the command-kind table: read-only (when its rule
 * is 'refuse'), the ACL user may not run its commands, or nothing selected.
 */
export const mutationBlocked =
  (kind: CommandKind) =>
  (state: MonitorState): string | null => {
    const spec = commandKind(kind);
    if (state.config.readOnly && spec.readOnly === 'refuse')
      return state.config.readOnlyReason ?? 'read-only mode';
    if (state.config.deniedCommands.includes(kind))
      return `ACL: the Redis user may not run ${probedCommandsOf(kind).join(', ')}`;
    if (selectActionIds(state).length === 0) return 'no pending entry selected';
    return null;
  };

type Spec = Omit<KeyBinding, 'disabledReason' | 'footer' | 'mutates'> &
  Partial<Pick<KeyBinding, 'disabledReason' | 'footer' | 'mutates'>>;
const bind = (s: Spec): KeyBinding => ({
  footer: false,
  mutates: false,
  disabledReason: never,
  ...s,
});

export const KEYMAP: readonly KeyBinding[] = [
  // Always: quit and help.
  bind({
    keys: ['q'],
    label: 'quit',
    description: 'Quit (connections closed, terminal restored)',
    pane: 'global',
    footer: true,
    run: (a) => a.quit(),
  }),
  bind({
    keys: ['?'],
    label: 'help',
    description: 'Show or hide this help',
    pane: 'global',
    footer: true,
    run: (a) => a.toggleHelp(),
  }),
  bind({
    keys: ['1'],
    label: 'events',
    description: 'Live events pane',
    pane: 'global',
    run: (a) => a.selectPane('events'),
  }),
  bind({
    keys: ['2'],
    label: 'streams',
    description: 'Streams & lag pane',
    pane: 'global',
    run: (a) => a.selectPane('streams'),
  }),
  bind({
    keys: ['3'],
    label: 'pending',
    description: 'Pending entries pane',
    pane: 'global',
    run: (a) => a.selectPane('pending'),
  }),
  bind({
    keys: ['4'],
    label: 'groups',
    description: 'Consumer groups pane',
    pane: 'global',
    run: (a) => a.selectPane('groups'),
  }),
  bind({
    keys: ['tab'],
    label: 'next pane',
    description: 'Next pane',
    pane: 'global',
    run: (a) => a.cyclePane(1),
  }),
  bind({
    keys: ['shift+tab'],
    label: 'prev pane',
    description: 'Previous pane',
    pane: 'global',
    run: (a) => a.cyclePane(-1),
  }),
  bind({
    keys: ['j', 'down'],
    label: 'down',
    description: 'Move down (scroll in the detail view)',
    pane: 'global',
    run: (a) => a.moveCursor(1),
  }),
  bind({
    keys: ['k', 'up'],
    label: 'up',
    description: 'Move up (scroll in the detail view)',
    pane: 'global',
    run: (a) => a.moveCursor(-1),
  }),
  bind({
    keys: ['pgdn'],
    label: 'page down',
    description: 'Move down one screen',
    pane: 'global',
    run: (a) => a.moveCursor(10),
  }),
  bind({
    keys: ['pgup'],
    label: 'page up',
    description: 'Move up one screen',
    pane: 'global',
    run: (a) => a.moveCursor(-10),
  }),
  bind({
    keys: ['g', 'home'],
    label: 'top',
    description: 'Go to the first row',
    pane: 'global',
    run: (a) => a.moveToEdge('top'),
  }),
  bind({
    keys: ['G', 'end'],
    label: 'bottom',
    description: 'Go to the last row (live events: follow the tail again)',
    pane: 'global',
    run: (a) => a.moveToEdge('bottom'),
  }),
  bind({
    keys: ['esc'],
    label: 'back',
    description: 'Back: close the view on top, clear the filter or the marks',
    pane: 'global',
    run: (a) => a.back(),
  }),

  // 1 Live events
  bind({
    keys: ['p'],
    label: 'pause',
    description: 'Pause or resume the live list (new events keep arriving and are counted)',
    pane: 'events',
    footer: true,
    run: (a) => a.togglePause(),
  }),
  bind({
    keys: ['/'],
    label: 'filter',
    description: 'Filter live: text, type:<t> (with * wildcards) or /regex/',
    pane: 'events',
    footer: true,
    run: (a) => a.startFilter(),
  }),
  bind({
    keys: ['enter'],
    label: 'detail',
    description: 'Open the selected event: decoded JSON, raw fields, entry ID and time',
    pane: 'events',
    footer: true,
    run: (a) => a.openSelected(),
  }),

  // 2 Streams & lag
  bind({
    keys: ['enter'],
    label: 'pending',
    description: "Show the selected group's pending entries",
    pane: 'streams',
    footer: true,
    run: (a) => a.openSelected(),
  }),

  // 3 Pending entries
  bind({
    keys: ['space'],
    label: 'mark',
    description: 'Mark or unmark the selected entry',
    pane: 'pending',
    footer: true,
    run: (a) => a.toggleMark(),
  }),
  bind({
    keys: ['a'],
    label: 'ack',
    description: 'Acknowledge the marked (or selected) entries (XACK), after confirmation',
    pane: 'pending',
    footer: true,
    mutates: true,
    disabledReason: mutationBlocked('ack'),
    run: (a) => a.requestCommand('ack'),
  }),
  bind({
    keys: ['c'],
    label: 'claim',
    description: 'Claim the marked (or selected) entries for a consumer you choose (XCLAIM)',
    pane: 'pending',
    footer: true,
    mutates: true,
    disabledReason: mutationBlocked('claim'),
    run: (a) => a.requestCommand('claim'),
  }),
  bind({
    keys: ['r'],
    label: 'replay',
    description: 'Replay: re-publish copies to the same stream, naming the original ID',
    pane: 'pending',
    footer: true,
    mutates: true,
    disabledReason: mutationBlocked('replay'),
    run: (a) => a.requestCommand('replay'),
  }),
  bind({
    keys: ['enter'],
    label: 'entry',
    description: 'Open the selected entry in full',
    pane: 'pending',
    run: (a) => a.openSelected(),
  }),
  bind({
    keys: ['n'],
    label: 'next page',
    description: 'Next page of the pending entries list',
    pane: 'pending',
    footer: true,
    run: (a) => a.changePage(1),
  }),
  bind({
    keys: ['b'],
    label: 'prev page',
    description: 'Previous page',
    pane: 'pending',
    run: (a) => a.changePage(-1),
  }),
  bind({
    keys: ['o'],
    label: 'order',
    description: 'Order the pending entries most idle first (default) or by entry ID',
    pane: 'pending',
    run: (a) => a.togglePendingOrder(),
  }),
  bind({
    keys: ['s'],
    label: 'pick group',
    description: 'Pick another stream and group from a list with their pending counts',
    pane: 'pending',
    footer: true,
    run: (a) => a.openPicker(),
  }),
  bind({
    keys: [']'],
    label: 'next group',
    description: 'Show the next stream/group (most pending first)',
    pane: 'pending',
    run: (a) => a.cycleGroup(1),
  }),
  bind({
    keys: ['['],
    label: 'prev group',
    description: 'Show the previous stream/group',
    pane: 'pending',
    run: (a) => a.cycleGroup(-1),
  }),

  // Stream/group picker (opened with s in pane 3; j/k move)
  bind({
    keys: ['enter'],
    label: 'show',
    description: "Show the highlighted group's pending entries",
    pane: 'picker',
    footer: true,
    run: (a) => a.openSelected(),
  }),
  bind({
    keys: ['esc', 's'],
    label: 'close',
    description: 'Close the picker, keep the current group',
    pane: 'picker',
    footer: true,
    run: (a) => a.back(),
  }),

  // 4 Consumer groups
  bind({
    keys: ['enter'],
    label: 'pending',
    description: 'Show the pending entries of the selected consumer (or group)',
    pane: 'groups',
    footer: true,
    run: (a) => a.openSelected(),
  }),

  // Detail view
  bind({
    keys: ['esc'],
    label: 'back',
    description: 'Close the detail view',
    pane: 'detail',
    footer: true,
    run: (a) => a.back(),
  }),

  // Filter line (typed text edits the filter)
  bind({
    keys: ['enter'],
    label: 'keep filter',
    description: 'Keep the filter and return to the list',
    pane: 'filter',
    footer: true,
    run: (a) => a.commitFilter(),
  }),
  bind({
    keys: ['esc'],
    label: 'cancel',
    description: 'Restore the previous filter',
    pane: 'filter',
    footer: true,
    run: (a) => a.back(),
  }),

  // Confirm dialog (claim: type a consumer name or pick one with ↑/↓)
  bind({
    keys: ['y', 'enter'],
    label: 'confirm',
    description: 'Confirm: run the command on the entries the dialog names',
    pane: 'confirm',
    footer: true,
    run: (a) => a.confirm(),
  }),
  bind({
    keys: ['n', 'esc'],
    label: 'cancel',
    description: 'Cancel; nothing is sent',
    pane: 'confirm',
    footer: true,
    run: (a) => a.cancel(),
  }),
  bind({
    keys: ['down'],
    label: 'next consumer',
    description: 'Claim: pick the next existing consumer as the target',
    pane: 'confirm',
    run: (a) => a.moveCursor(1),
  }),
  bind({
    keys: ['up'],
    label: 'prev consumer',
    description: 'Claim: pick the previous existing consumer',
    pane: 'confirm',
    run: (a) => a.moveCursor(-1),
  }),

  // The dialog once the command ran (or while it runs): it only reports, so any key closes it.
  bind({
    keys: [ANY_KEY],
    label: 'close',
    description: 'Close the outcome of the command',
    pane: 'outcome',
    footer: true,
    disabledReason: (s) => (s.ui.confirm?.step === 'running' ? 'waiting for Redis' : null),
    run: (a) => a.cancel(),
  }),

  // Help overlay
  bind({
    keys: ['esc', '?'],
    label: 'close',
    description: 'Close the help',
    pane: 'help',
    footer: true,
    run: (a) => a.toggleHelp(),
  }),
  bind({
    keys: ['ctrl+c'],
    label: 'quit',
    description: 'Quit from anywhere, even while typing',
    pane: 'global',
    run: (a) => a.quit(),
  }),
];

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

/** Ink's (input, key) → one name used in KEYMAP. */
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

/** The layer that receives keys now: the dialog, the help, the detail view, the filter line or the pane. */
export function activeContext(state: MonitorState): KeyContext {
  if (state.ui.confirm)
    return state.ui.confirm.step === 'done' || state.ui.confirm.step === 'running'
      ? 'outcome'
      : 'confirm';
  if (state.ui.help) return 'help';
  if (state.ui.picker) return 'picker';
  if (state.ui.detail) return 'detail';
  if (state.view.filter.editing) return 'filter';
  return state.ui.pane;
}

/** Text is being typed (filter, claim target): printable keys are text, not commands. */
export function isTyping(state: MonitorState): boolean {
  return state.view.filter.editing && !state.ui.confirm
    ? true
    : state.ui.confirm?.step === 'consumer';
}

/** Bindings that apply in a context, most specific first. */
export function bindingsFor(context: KeyContext): KeyBinding[] {
  const own = KEYMAP.filter((b) => b.pane === context);
  if (context === 'filter' || context === 'confirm' || context === 'outcome')
    return [...own, ...KEYMAP.filter((b) => b.keys.includes('ctrl+c'))];
  return [
    ...own,
    ...KEYMAP.filter(
      (b) => b.pane === 'global' && !own.some((o) => o.keys.some((k) => b.keys.includes(k))),
    ),
  ];
}

function isPrintable(name: string): boolean {
  return name === 'space' || [...name].length === 1;
}

export function resolveBinding(state: MonitorState, name: string): KeyBinding | null {
  if (isTyping(state) && isPrintable(name)) return null;
  const own = bindingsFor(activeContext(state));
  return (
    own.find((b) => b.keys.includes(name)) ?? own.find((b) => b.keys.includes(ANY_KEY)) ?? null
  );
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
    const editing = state.ui.confirm ? state.ui.confirm.consumer : state.view.filter.text;
    let next: string | null = null;
    if (name === 'backspace') next = editing.slice(0, -1);
    else if (!key.ctrl && !key.meta && input && !/[\x00-\x1f\x7f]/.test(input))
      next = editing + input;
    if (next === null) return { kind: 'ignored' };
    if (state.ui.confirm) actions.editConsumer(next);
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
  for (const b of bindingsFor(activeContext(state))) {
    // While typing, printable keys are text: only hint the keys that still act.
    const keys = typing ? b.keys.filter((k) => !isPrintable(k)) : b.keys;
    if ((b.footer || (typing && b.pane !== 'global')) && keys.length)
      hints.push({ keys: keysLabel(keys), label: b.label, disabled: b.disabledReason(state) });
  }
  return hints;
}

export const CONTEXT_TITLES: Record<KeyContext, string> = {
  global: 'Everywhere',
  events: '1 Live events',
  streams: '2 Streams & lag',
  pending: '3 Pending entries',
  groups: '4 Consumer groups',
  picker: 'Stream/group picker (3)',
  detail: 'Detail view',
  filter: 'Filter line',
  confirm: 'Confirm dialog',
  outcome: 'Outcome dialog',
  help: 'Help',
};

export const CONTEXT_ORDER: readonly KeyContext[] = [
  'global',
  'events',
  'streams',
  'pending',
  'picker',
  'groups',
  'detail',
  'filter',
  'confirm',
  'outcome',
  'help',
];

/** The README key table (generated; a test keeps README and this list in step). */
export function renderKeyTableMarkdown(): string {
  const lines = ['| Key | Where | Action | Changes data |', '| --- | --- | --- | --- |'];
  for (const ctx of CONTEXT_ORDER) {
    for (const b of KEYMAP.filter((x) => x.pane === ctx)) {
      const keys = b.keys.map((k) => `\`${k === '|' ? '\\|' : k}\``).join(' ');
      // Markdown cells: a | ends the cell and <t> would be read as an HTML tag.
      const text = b.description.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      lines.push(
        `| ${keys} | ${CONTEXT_TITLES[ctx]} | ${text} | ${b.mutates ? 'yes (disabled by `--read-only` or a missing ACL permission)' : 'no'} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
