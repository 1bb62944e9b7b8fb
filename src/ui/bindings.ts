/**
 * A key binding as data, and the helpers panes use to declare theirs. The keymap (keymap.ts)
 * gathers every binding — global ones, each registered pane's, each layer's — into one list
 * that drives input, the footer hints, the `?` overlay and the README key table.
 */
import { StreamscopeError } from '../core/errors.js';
import { commandKind, probedCommandsOf, type CommandKind } from '../core/command-kinds.js';
import type { MonitorActions } from '../store/create-store.js';
import { selectCommandTarget } from '../store/pane-models.js';
import type { MonitorState } from '../store/state.js';

/**
 * Where a binding applies: `global` (every pane, the detail view and help), a pane's id, a
 * pane's layer id (e.g. `picker`), or one of the shared layers (detail, filter, confirm,
 * outcome, help).
 */
export type KeyContext = string;

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
 * Why `kind` cannot run now from `pane`, by its record in the command-kind table: read-only
 * (when its rule is 'refuse'), the ACL user may not run its commands, or nothing selected there.
 */
export const mutationBlocked =
  (kind: CommandKind, pane?: string) =>
  (state: MonitorState): string | null => {
    const spec = commandKind(kind);
    if (state.config.readOnly && spec.readOnly === 'refuse')
      return state.config.readOnlyReason ?? 'read-only mode';
    if (state.config.deniedCommands.includes(kind))
      return `ACL: the Redis user may not run ${probedCommandsOf(kind).join(', ')}`;
    const target = selectCommandTarget(state, pane);
    if (typeof target === 'string') return target;
    return null;
  };

/**
 * A binding as a pane declares it: its context is the pane (or layer) it is listed under. A
 * command key names its kind (`command: 'ack'`): it then runs requestCommand(kind), counts as
 * mutating when the kind does, and is disabled by mutationBlocked — nothing else to write.
 */
export type BindingSpec = Omit<
  KeyBinding,
  'disabledReason' | 'footer' | 'mutates' | 'pane' | 'run'
> &
  Partial<Pick<KeyBinding, 'disabledReason' | 'footer' | 'mutates' | 'run'>> & {
    command?: CommandKind;
  };

export function bind(pane: KeyContext, s: BindingSpec): KeyBinding {
  const { command, ...rest } = s;
  const run: KeyBinding['run'] | undefined =
    s.run ?? (command ? (a) => a.requestCommand(command) : undefined);
  if (!run)
    throw new StreamscopeError(
      'INVALID_ARGUMENT',
      `binding ${s.keys.join('/')} in ${pane} has neither run nor command`,
    );
  return {
    footer: false,
    mutates: command ? commandKind(command).mutates : false,
    disabledReason: command ? mutationBlocked(command, pane) : never,
    ...rest,
    run,
    pane,
  };
}
