/**
 * The demo's consumers: real workers on the library's `consumeEvents`, each showing one thing
 * the monitor is for.
 *
 * Workers run in the demo's own process, as async loops on connections of their own, not as
 * child processes: a worker at ~200 events/s costs almost no CPU, and one process means one
 * thing to clean up (only redis-server is a child), so no worker can outlive the demo. The
 * "crash" needs no process either: to Redis a consumer that stops reading and never acks is
 * exactly what a killed process leaves behind (its pending entries stay, its idle time rises).
 */
import { StreamscopeError } from '../core/errors.js';
import type { Delivery } from '../core/types.js';
import { isPoison } from './payloads.js';
import { abortableSleep } from '../core/retry.js';

/** What the workers need from the library (`EventPersistence` has it). */
export interface ConsumingPersistence {
  consumeEvents(
    eventTypes: string[],
    consumerName: string,
    options?: WorkerConsumeOptions,
  ): AsyncIterable<Delivery>;
}

export interface WorkerConsumeOptions {
  blockMs?: number;
  count?: number;
  signal?: AbortSignal;
  /** Reclaim (and eventually dead-letter) entries pending this long, ms; 0 disables. */
  claimIdleMs?: number;
  claimEveryMs?: number;
}

export interface WorkerStats {
  handled: number;
  failed: number;
  crashed: boolean;
}

export interface WorkerSpec {
  consumer: string;
  types: string[];
  consume: WorkerConsumeOptions;
  /** Throws to fail the delivery (it is then left pending, for a retry or a dead letter). */
  handle(d: Delivery): Promise<void>;
  /**
   * After this many handled deliveries the worker "crashes": it stops on the next delivery
   * without acking it, so that delivery and the rest of its batch stay pending for it.
   */
  crashAfter?: number;
}

/** The retry toolkit's abortable sleep (core/retry.ts). */
export const sleep = abortableSleep;

/** Runs until `signal` aborts (or the worker crashes). Never rejects: errors go to `log`. */
export async function runWorker(
  p: ConsumingPersistence,
  spec: WorkerSpec,
  signal: AbortSignal,
  stats: WorkerStats,
  log: (line: string) => void,
): Promise<void> {
  // The library retries lost connections itself; this outer loop only covers an error that
  // ends the iterator (a refused group creation, say), with a pause so it cannot spin.
  while (!signal.aborted && !stats.crashed) {
    try {
      for await (const d of p.consumeEvents(spec.types, spec.consumer, {
        ...spec.consume,
        signal,
      })) {
        if (spec.crashAfter !== undefined && stats.handled >= spec.crashAfter) {
          stats.crashed = true;
          log(
            `worker ${spec.consumer}: crashed (simulated) holding ${d.messageId} and the rest of its batch unacknowledged`,
          );
          return;
        }
        try {
          await spec.handle(d);
          await d.ack();
          stats.handled++;
        } catch (err) {
          if (signal.aborted) return;
          stats.failed++;
          // Not acked: the library redelivers it after claimIdleMs and dead-letters it after
          // maxDeliveries. One line per delivery attempt.
          log(
            `worker ${spec.consumer}: ${d.streamKey} ${d.messageId} failed (delivery ${d.deliveryCount}): ${(err as Error).message}`,
          );
        }
        if (signal.aborted) return;
      }
    } catch (err) {
      if (signal.aborted) return;
      log(`worker ${spec.consumer}: ${(err as Error).message}; restarting in 1 s`);
      await sleep(1000, signal);
    }
  }
}

/** The healthy group's handler: quick, and it rejects the poison message every time. */
export async function indexAsset(d: Delivery): Promise<void> {
  const data = d.event?.data ?? {};
  if (d.event?.eventType === 'asset.processed' && isPoison(data)) {
    throw new StreamscopeError(
      'DECODE',
      `cannot decode ${String(data.file_path)}: truncated PNG (0×0)`,
    );
  }
}

/** The slow group's handler: `ms` per event, so it falls behind any faster producer. */
export function slowHandler(ms: number, signal: AbortSignal): (d: Delivery) => Promise<void> {
  return async () => {
    await sleep(ms, signal);
    if (signal.aborted) throw new StreamscopeError('CLOSED', 'stopping');
  };
}
