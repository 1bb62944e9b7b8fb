/**
 * What every bulk executor shares: the client, the key space, how to describe errors (server
 * redacted, secrets scrubbed), and the outcome every executor returns.
 */
import type { Redis } from 'ioredis';
import { classifyRedisError, StreamscopeError } from '../../core/errors.js';
import type { KeySpace } from '../../core/keys.js';

export interface BulkContext {
  /** A non-blocking client; not closed here. */
  client: Redis;
  keys: KeySpace;
  /** Redacted server address for messages. */
  display: string;
  /** Scrubbed from every message (passwords). */
  secrets: readonly (string | undefined)[];
}

export interface BulkProgress {
  done: number;
  total: number;
  /** A paced run (replay-range): entries/s with pauses excluded, ms to go, and paused. */
  ratePerSec?: number;
  etaMs?: number | null;
  paused?: boolean;
}

export interface BulkRunOptions {
  /** Called after each batch. */
  onProgress?: (p: BulkProgress) => void;
  /** Checked between batches: once aborted, no further batch starts. */
  signal?: AbortSignal;
  /** Items per batch (IDs per XACK/XCLAIM, entries per MULTI). */
  batchSize?: number;
  /** Items per second at most (dlq redrive --rate); default: as fast as Redis answers. */
  ratePerSec?: number;
}

/** How a bulk action ended. `done + vanished + skipped` ≤ requested; the rest was not reached. */
export interface BulkResult {
  requested: number;
  /** Changed (acked, claimed, dead-lettered, redriven, deleted). */
  done: number;
  /** No longer there when their batch ran (acked by a worker, deleted): counted, not errors. */
  vanished: number;
  /** Stopped by the signal between batches. */
  cancelled: boolean;
  /** The error that stopped it (NOGROUP, NOPERM…); everything before it stays done. */
  error: StreamscopeError | null;
  /** Per-ID facts undo needs (dead-letter IDs created, copies made…), filled by the executor. */
  detail: Record<string, unknown>;
}

export function toBulkError(
  ctx: Pick<BulkContext, 'display' | 'secrets'>,
  err: unknown,
): StreamscopeError {
  // EXECABORT carries the real cause (NOPERM, WRONGTYPE) in previousErrors.
  const prev = (err as { previousErrors?: unknown[] } | null)?.previousErrors;
  const cause = Array.isArray(prev) && prev.length > 0 ? prev[0] : err;
  return classifyRedisError(cause, ctx.display, ctx.secrets);
}

/** Throw the first error of a pipeline / MULTI reply. */
export function checkReplies(res: [Error | null, unknown][] | null): [Error | null, unknown][] {
  if (!res)
    throw new StreamscopeError('CLOSED', 'the transaction was discarded (connection closed)');
  const failed = res.find(([e]) => e);
  if (failed) throw failed[0];
  return res;
}

/** "claimed 480 of 500 for w2 (20 no longer pending); cancelled after …" */
export function describeResult(verb: string, r: BulkResult, tail = ''): string {
  const gone = r.vanished > 0 ? ` (${r.vanished} no longer pending)` : '';
  const rest = r.requested - r.done - r.vanished;
  let end = '';
  if (r.error) end = `; stopped: ${r.error.message} — ${rest} not attempted`;
  else if (r.cancelled) end = `; cancelled: ${rest} not attempted`;
  return `${verb} ${r.done} of ${r.requested}${tail}${gone}${end}`;
}
