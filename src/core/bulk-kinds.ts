/**
 * The bulk mutations as data: one record per kind with the verb people type, the Redis commands
 * it sends (for the ACL probe and the NOPERM message), and whether undo can reverse it. The CLI
 * verbs, the `:` command line and the journal all read this table; executors live in
 * monitor/bulk/ and are dispatched through an exhaustive Record<BulkKind, …>.
 */

export type BulkKind =
  'ack' | 'claim' | 'deadletter' | 'delconsumer' | 'setid' | 'redrive' | 'dlq-delete' | 'undo';

export interface BulkKindRecord {
  /** The verb in the journal and the `:` command line. */
  verb: string;
  /** Redis commands it sends (MULTI/EXEC aside), probed for NOPERM before anything is sent. */
  redisCommands: readonly string[];
  undoable: boolean;
  /** Why not, for the confirm dialog and the preview. */
  undoNote?: string;
}

export const BULK_KINDS: Readonly<Record<BulkKind, BulkKindRecord>> = {
  ack: {
    verb: 'ack',
    redisCommands: ['XACK'],
    undoable: false,
    undoNote: 'Redis cannot un-acknowledge an entry',
  },
  claim: { verb: 'claim', redisCommands: ['XCLAIM'], undoable: true },
  deadletter: { verb: 'deadletter', redisCommands: ['XADD', 'XACK'], undoable: true },
  delconsumer: {
    verb: 'delconsumer',
    redisCommands: ['XCLAIM', 'XGROUP|DELCONSUMER'],
    undoable: false,
    undoNote: 'a deleted consumer is gone; its entries stay with the consumer they moved to',
  },
  setid: { verb: 'setid', redisCommands: ['XGROUP|SETID'], undoable: true },
  redrive: { verb: 'redrive', redisCommands: ['XADD', 'XDEL'], undoable: true },
  'dlq-delete': {
    verb: 'dlq-delete',
    redisCommands: ['XDEL'],
    undoable: false,
    undoNote: 'deleted dead letters are gone',
  },
  undo: { verb: 'undo', redisCommands: [], undoable: false, undoNote: 'an undo is not undone' },
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
