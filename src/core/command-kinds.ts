/**
 * The command-kind table: one record per mutation the monitor can run (ack, claim, replay…).
 * Everything that differs between mutations is written here once, and read by every layer:
 *   - monitor/commands.ts sends the record's ACL probe, refuses by its read-only rule and runs
 *     the kind's executor (an exhaustive `Record<CommandKind, Executor>` there);
 *   - store/ asks for the record's input step (claim asks for a target consumer);
 *   - ui/ shows its verb, confirm text and undo note in the dialog, and disables its key with the
 *     record's Redis commands named when the ACL user may not run them.
 *
 * ## Adding a kind (e.g. `deadletter`)
 * 1. Here: add its name to `CommandKind` and its record to `COMMAND_KINDS` (a missing record is
 *    a compile error); extra parameters become optional fields of `CommandRequest`.
 * 2. monitor/commands.ts (or a file next to it): its executor in `EXECUTORS` (a missing one
 *    is a compile error), returning `{ affected, detail }`; the guard around it emits
 *    CommandCompleted / CommandFailed and enforces read-only and ACL denials.
 * 3. A key: a binding in the pane's bindings that calls `requestCommand('<kind>')`, with
 *    `disabledReason: mutationBlocked('<kind>')` (ui/bindings.ts).
 * Tests and plug-ins may add a kind at run time with `registerCommandKind` (one line).
 */
import { StreamscopeError } from './errors.js';
import { formatSpeed, type ReplayRangeSpec } from './replay-range.js';

/** A mutation the monitor can run. Add a name here, then its record below. */
export type CommandKind =
  | 'ack'
  | 'claim'
  | 'replay'
  | 'deadletter'
  | 'delconsumer'
  | 'setid'
  | 'redrive'
  | 'dlq-delete'
  | 'undo'
  | 'replay-range';

/**
 * One request to run a command: on `ids` of `group` in `stream` (replay ignores the group).
 * A kind that needs more (a target ID, a stream) adds an optional field here.
 */
export interface CommandRequest {
  kind: CommandKind;
  stream: string;
  group: string;
  ids: readonly string[];
  /** claim: the target consumer; delconsumer: the consumer to delete. Others ignore it. */
  consumer?: string;
  /** setid: where to (`0`, `$`, an ID, `-1h`, an ISO time, `group:<other>`). */
  target?: string;
  /** deadletter: the reason written with each copy. */
  reason?: string;
  /** delconsumer: claim its entries to this consumer first. */
  moveTo?: string;
  /** redrive: items per second at most (`:redrive rate=500/s`). */
  ratePerSec?: number;
  /** undo: the journal record to undo (absent: the newest one that can be undone). */
  journalId?: string;
  /** replay-range: the range, its target and pace (`ids` stays empty: a range is not a list). */
  replay?: ReplayRangeSpec;
}

/** What `--read-only` does with a kind: refuse it (every mutation) or let it run. */
export type ReadOnlyRule = 'refuse' | 'allow';

export interface CommandKindSpec {
  /** Redis commands it sends (for the ACL list in the README and the disabled reason). */
  redisCommands: readonly string[];
  /** Imperative verb for the dialog title: "Acknowledge 3 entries of s / g?". */
  verb: string;
  /** Progressive form while it runs: "Acknowledging 3 entries…". */
  verbing: string;
  /** What will happen, in one sentence, shown before the person confirms. */
  confirmText(request: CommandRequest): string;
  /** How to take it back, or why it cannot be ("not undoable: …"), shown with the confirm text. */
  undo: string;
  /** Changes data in Redis. */
  mutates: boolean;
  readOnly: ReadOnlyRule;
  /**
   * Commands that find out, with no side effect, whether the ACL user may run the kind: each
   * targets `probeKey`, a key that does not exist; only a NOPERM reply counts. The first word of
   * each is the Redis command it proves.
   */
  aclProbe(probeKey: string): readonly (readonly (string | number)[])[];
  /** An input step before the confirm step: claim asks for the target consumer. */
  asks: 'consumer' | null;
}

export const COMMAND_KINDS: Record<CommandKind, CommandKindSpec> = {
  ack: {
    redisCommands: ['XACK'],
    verb: 'Acknowledge',
    verbing: 'Acknowledging',
    confirmText: () => 'They leave the pending list and will not be delivered again.',
    undo: 'not undoable: an acknowledged entry cannot be made pending again',
    mutates: true,
    readOnly: 'refuse',
    aclProbe: (key) => [['XACK', key, 'probe', '0-1']],
    asks: null,
  },
  claim: {
    redisCommands: ['XCLAIM'],
    verb: 'Claim',
    verbing: 'Claiming',
    confirmText: (r) => `They move to consumer ${r.consumer ?? '?'}; their idle time restarts.`,
    undo: 'undo by claiming them back for their previous consumer',
    mutates: true,
    readOnly: 'refuse',
    aclProbe: (key) => [['XCLAIM', key, 'probe', 'probe', 0, '0-1', 'JUSTID']],
    asks: 'consumer',
  },
  replay: {
    redisCommands: ['XRANGE', 'XADD', 'MULTI', 'EXEC'],
    verb: 'Replay',
    verbing: 'Replaying',
    confirmText: () =>
      'Copies are re-published to the same stream with a field naming the original ID. The originals stay pending.',
    undo: 'not undoable: the copies are new entries (XDEL them by ID to remove them)',
    mutates: true,
    readOnly: 'refuse',
    aclProbe: (key) => [['XADD', key, 'NOMKSTREAM', '*', 'probe', '1']],
    asks: null,
  },
  // The bulk kinds of issue 9; executors in monitor/bulk/executors.ts, plans (preview, journal,
  // undo) in monitor/bulk/plans.ts.
  deadletter: {
    redisCommands: ['XPENDING', 'XRANGE', 'XADD', 'XACK', 'MULTI', 'EXEC'],
    verb: 'Dead-letter',
    verbing: 'Dead-lettering',
    confirmText: (r) =>
      `Each is copied byte-for-byte to the dead-letter stream (reason: ${r.reason ?? 'by hand'}) and acknowledged, in one MULTI per batch.`,
    undo: 'undo redrives the dead letters to the original stream',
    mutates: true,
    readOnly: 'refuse',
    aclProbe: (key) => [
      ['XADD', key, 'NOMKSTREAM', '*', 'probe', '1'],
      ['XACK', key, 'probe', '0-1'],
    ],
    asks: null,
  },
  delconsumer: {
    redisCommands: ['XCLAIM', 'XGROUP'],
    verb: 'Delete consumer',
    verbing: 'Deleting consumer',
    confirmText: (r) =>
      r.moveTo
        ? `Its pending entries are claimed to ${r.moveTo} first, then ${r.consumer ?? '?'} is deleted.`
        : `${r.consumer ?? '?'} holds no entries and is deleted.`,
    undo: 'not undoable: a deleted consumer is gone (its entries stay with the consumer they moved to)',
    mutates: true,
    readOnly: 'refuse',
    aclProbe: (key) => [
      ['XCLAIM', key, 'probe', 'probe', 0, '0-1', 'JUSTID'],
      ['XGROUP', 'DELCONSUMER', key, 'probe', 'probe'],
    ],
    asks: null,
  },
  setid: {
    redisCommands: ['XGROUP', 'XRANGE', 'XINFO'],
    verb: 'Reposition group',
    verbing: 'Repositioning group',
    confirmText: (r) =>
      `The group moves to ${r.target ?? '?'}; entries after it are delivered (again). Pending entries are unaffected.`,
    undo: 'undo moves the group back to its previous position and entries-read',
    mutates: true,
    readOnly: 'refuse',
    aclProbe: (key) => [['XGROUP', 'SETID', key, 'probe', '0']],
    asks: null,
  },
  redrive: {
    redisCommands: ['XRANGE', 'XADD', 'XDEL', 'MULTI', 'EXEC'],
    verb: 'Redrive',
    verbing: 'Redriving',
    confirmText: (r) =>
      `The original fields are re-published byte-for-byte to the original stream (plus redriven_from), and each dead letter is deleted in the same MULTI.${r.ratePerSec ? ` At most ${r.ratePerSec.toLocaleString('en-US')} a second.` : ''}`,
    undo: 'undo moves the copies back to the dead-letter stream',
    mutates: true,
    readOnly: 'refuse',
    aclProbe: (key) => [
      ['XADD', key, 'NOMKSTREAM', '*', 'probe', '1'],
      ['XDEL', key, '0-1'],
    ],
    asks: null,
  },
  'dlq-delete': {
    redisCommands: ['XDEL'],
    verb: 'Delete dead letters',
    verbing: 'Deleting dead letters',
    confirmText: () => 'The dead letters are deleted from the dead-letter stream.',
    undo: 'not undoable: deleted dead letters are gone',
    mutates: true,
    readOnly: 'refuse',
    aclProbe: (key) => [['XDEL', key, '0-1']],
    asks: null,
  },
  // `:undo` in the monitor (`streamscope undo` in the CLI): runs the reverse of a journal record
  // with another kind's commands.
  undo: {
    redisCommands: ['XCLAIM', 'XGROUP', 'XADD', 'XDEL', 'MULTI', 'EXEC'],
    verb: 'Undo',
    verbing: 'Undoing',
    confirmText: (r) =>
      `Journal record ${r.journalId ?? '(the newest that can be undone)'} is reversed where Redis allows it.`,
    undo: 'not undoable: an undo is not undone',
    mutates: true,
    readOnly: 'refuse',
    // Conservative: the commands undo may need (claim back, reposition, redrive).
    aclProbe: (key) => [
      ['XCLAIM', key, 'probe', 'probe', 0, '0-1', 'JUSTID'],
      ['XGROUP', 'SETID', key, 'probe', '0'],
      ['XADD', key, 'NOMKSTREAM', '*', 'probe', '1'],
    ],
    asks: null,
  },
  // A range of any stream (history view `R`, `:replay`; `streamscope replay` in the CLI): the
  // library's replay engine (streams/replay.ts) through monitor/replay-range.ts.
  'replay-range': {
    redisCommands: ['XRANGE', 'XADD', 'XGROUP', 'XINFO', 'MULTI', 'EXEC'],
    verb: 'Replay range',
    verbing: 'Replaying',
    confirmText: (r) => {
      const t = r.replay?.target;
      const at = r.replay ? ` at ${formatSpeed(r.replay.speed)}` : '';
      if (t?.kind === 'group')
        return `A consumer group "${t.group}" is created just before the range; nothing is copied.`;
      if (t?.kind === 'same')
        return `Copies go into the live stream${at}, each tagged replayed_from; its consumers process them again.`;
      return `Copies go to the sandbox prefix ${t?.kind === 'prefix' ? t.prefix : '?'}${at}, raw fields byte for byte.`;
    },
    undo: 'not undoable: copies are new entries (a sandbox can be deleted key by key; a group with XGROUP DESTROY)',
    mutates: true,
    readOnly: 'refuse',
    // XADD only: an XGROUP CREATE probe would replace setid's XGROUP SETID one (probes are
    // keyed by command name); a NOPERM on XGROUP CREATE is learned when it happens.
    aclProbe: (key) => [['XADD', key, 'NOMKSTREAM', '*', 'probe', '1']],
    asks: null,
  },
};

const extra = new Map<string, CommandKindSpec>();

/** The record of a kind (also one added with registerCommandKind). */
export function commandKind(kind: CommandKind): CommandKindSpec {
  const spec = (COMMAND_KINDS as Record<string, CommandKindSpec>)[kind] ?? extra.get(kind);
  if (!spec) throw new StreamscopeError('INVALID_ARGUMENT', `unknown command kind: ${kind}`);
  return spec;
}

/** Every kind, in table order, then the ones registered at run time. */
export function commandKinds(): CommandKind[] {
  return [
    ...(Object.keys(COMMAND_KINDS) as CommandKind[]),
    ...(extra.keys() as Iterable<CommandKind>),
  ];
}

/**
 * Add a kind at run time (tests, plug-ins): its record here, its executor given to
 * createCommands({ executors }). Returns a function that removes it again.
 */
export function registerCommandKind(kind: string, spec: CommandKindSpec): () => void {
  if (kind in COMMAND_KINDS || extra.has(kind))
    throw new StreamscopeError('INVALID_ARGUMENT', `command kind ${kind} exists`);
  extra.set(kind, spec);
  return () => extra.delete(kind);
}

/** The Redis commands whose probe proves `kind` may run (the first word of each probe). */
export function probedCommandsOf(kind: CommandKind): string[] {
  return commandKind(kind)
    .aclProbe('x')
    .map((c) => String(c[0]).toUpperCase());
}

/** Why `--read-only` or the ACL stops `kind`, or null when it may run. */
export function commandRefusal(
  kind: CommandKind,
  readOnly: boolean,
  deniedRedisCommands: ReadonlySet<string>,
): { code: 'READ_ONLY' | 'NOPERM'; commands: string[] } | null {
  const spec = commandKind(kind);
  if (readOnly && spec.readOnly === 'refuse') return { code: 'READ_ONLY', commands: [] };
  const denied = probedCommandsOf(kind).filter((c) => deniedRedisCommands.has(c));
  return denied.length > 0 ? { code: 'NOPERM', commands: denied } : null;
}
