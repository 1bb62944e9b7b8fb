/**
 * The replay dialog as a layer over the history view (R on a selected range, `:replay`): its
 * keys pick the target and the speed, y starts the replay-range command, esc closes it.
 */
import { commandKind, probedCommandsOf } from '../../../core/command-kinds.js';
import { rangeBounds } from '../../../store/history.js';
import { selectLayer } from '../../../store/layers.js';
import { REPLAY_KIND } from '../../../store/replay-dialog.js';
import type { MonitorState } from '../../../store/state.js';
import type { BindingSpec } from '../../bindings.js';
import type { PaneLayer } from '../types.js';
import { ReplayDialog } from './ReplayDialog.js';

/** Why R cannot open the dialog now: read-only, the ACL, or no range marked. */
function replayBlocked(s: MonitorState): string | null {
  if (s.config.readOnly && commandKind(REPLAY_KIND).readOnly === 'refuse')
    return s.config.readOnlyReason ?? 'read-only mode';
  if (s.config.deniedCommands.includes(REPLAY_KIND))
    return `ACL: the Redis user may not run ${probedCommandsOf(REPLAY_KIND).join(', ')}`;
  const h = selectLayer(s, 'history');
  if (!h || !rangeBounds(h)) return 'no range selected (v at its first row, v at its last)';
  return null;
}

/** `R` in the history view (listed in its bindings): the replay dialog for the marked range. */
export const REPLAY_KEY: BindingSpec = {
  keys: ['R'],
  label: 'replay',
  description:
    'Replay the range: to a sandbox prefix (default), the same stream or a new group, at max, 1× or N× (preview first)',
  footer: true,
  mutates: true,
  disabledReason: replayBlocked,
  run: (a) => a.replay({ kind: 'open' }),
};

export const replayLayer: PaneLayer = {
  id: 'replay',
  title: 'Replay dialog (history view: R)',
  placement: 'dialog',
  // Seven lines (count; span and bytes; entries; target; copies; speed; undo) + the border.
  dialogRows: 9,
  component: ReplayDialog,
  bindings: [
    {
      keys: ['y', 'enter'],
      label: 'replay',
      description: 'Start the replay (count, rate and ETA in the progress line)',
      footer: true,
      run: (a) => a.replay({ kind: 'confirm' }),
    },
    {
      keys: ['t'],
      label: 'target',
      description:
        'Next target: sandbox prefix (default), same stream (tagged replayed_from), new group',
      footer: true,
      run: (a) => a.replay({ kind: 'target', delta: 1 }),
    },
    {
      keys: ['s'],
      label: 'speed',
      description:
        'Next speed: max, 1× (the original pace), 10×, 100× (:replay speed=N for others)',
      footer: true,
      run: (a) => a.replay({ kind: 'speed', delta: 1 }),
    },
    {
      keys: ['n', 'esc'],
      label: 'cancel',
      description: 'Close the dialog; nothing is sent',
      footer: true,
      run: (a) => a.back(),
    },
  ],
};
