/**
 * What the journal and undo need to know about each bulk action, on top of its record in the
 * command-kind table (core/command-kinds.ts: Redis commands, ACL probe, confirm text): the verb
 * written to the journal and whether `streamscope undo` can reverse it. `undo` itself is an
 * action (it writes a journal line) but not a command kind: it runs another kind's executor.
 */

export type BulkKind =
  'ack' | 'claim' | 'deadletter' | 'delconsumer' | 'setid' | 'redrive' | 'dlq-delete' | 'undo';

export interface BulkKindRecord {
  /** The verb in the journal and the `:` command line. */
  verb: string;
  undoable: boolean;
  /** Why not, for the confirm dialog and the preview. */
  undoNote?: string;
}

export const BULK_KINDS: Readonly<Record<BulkKind, BulkKindRecord>> = {
  ack: {
    verb: 'ack',
    undoable: false,
    undoNote: 'Redis cannot un-acknowledge an entry',
  },
  claim: { verb: 'claim', undoable: true },
  deadletter: { verb: 'deadletter', undoable: true },
  delconsumer: {
    verb: 'delconsumer',
    undoable: false,
    undoNote: 'a deleted consumer is gone; its entries stay with the consumer they moved to',
  },
  setid: { verb: 'setid', undoable: true },
  redrive: { verb: 'redrive', undoable: true },
  'dlq-delete': {
    verb: 'dlq-delete',
    undoable: false,
    undoNote: 'deleted dead letters are gone',
  },
  undo: { verb: 'undo', undoable: false, undoNote: 'an undo is not undone' },
};

/** What a plan shows before it runs (the CLI preview, the TUI confirm dialog). */
export interface ActionPreview {
  summary: string;
  details: string[];
  count: number;
  undoable: boolean;
  undoNote?: string;
  data?: Record<string, unknown>;
}

/** The refusal text of a read-only monitor or CLI (the same words in both). */
export function readOnlyRefusal(kind: BulkKind): string {
  return `read-only mode: ${BULK_KINDS[kind].verb} refused, nothing was sent to Redis`;
}

export function noPermRefusal(kind: BulkKind, command: string): string {
  return `the Redis user may not run ${command.replace('|', ' ')} (${BULK_KINDS[kind].verb} refused by ACL). Grant it with ACL SETUSER, or use --read-only.`;
}
