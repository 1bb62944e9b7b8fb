/** The confirm dialog's state as a command request (what the commands port will be asked). */
import { commandKind, type CommandRequest } from '../core/command-kinds.js';
import type { ConfirmState } from './state.js';

export function requestOf(c: ConfirmState): CommandRequest {
  return {
    kind: c.command,
    stream: c.stream,
    group: c.group,
    ids: c.ids,
    ...(commandKind(c.command).asks === 'consumer' ? { consumer: c.consumer } : {}),
    ...c.extra,
  };
}
