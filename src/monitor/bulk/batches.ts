/**
 * The one batch loop of every bulk action: batches in order, progress after each, the signal
 * checked between batches (a batch that started finishes), an optional rate, and the first error
 * stops the loop with everything before it counted as done.
 */
import { abortableSleep } from '../../streams/context.js';
import { toBulkError, type BulkContext, type BulkResult, type BulkRunOptions } from './context.js';

export interface BatchCounts {
  done: number;
  vanished: number;
}

export async function runBatches<T>(
  ctx: BulkContext,
  items: readonly T[],
  defaultSize: number,
  options: BulkRunOptions,
  work: (batch: T[]) => Promise<BatchCounts>,
): Promise<BulkResult> {
  const result: BulkResult = {
    requested: items.length,
    done: 0,
    vanished: 0,
    cancelled: false,
    error: null,
    detail: {},
  };
  const rate = options.ratePerSec;
  // With a rate, a batch is at most a tenth of a second's worth, so the pace stays even.
  const size = Math.max(
    1,
    Math.min(
      options.batchSize ?? defaultSize,
      rate ? Math.max(1, Math.floor(rate / 10)) : Infinity,
    ),
  );
  const started = Date.now();
  for (let i = 0; i < items.length; i += size) {
    if (options.signal?.aborted) {
      result.cancelled = true;
      break;
    }
    try {
      const counts = await work(items.slice(i, i + size));
      result.done += counts.done;
      result.vanished += counts.vanished;
    } catch (err) {
      result.error = toBulkError(ctx, err);
      break;
    }
    options.onProgress?.({ done: result.done + result.vanished, total: items.length });
    if (rate && i + size < items.length) {
      const dueMs = ((result.done + result.vanished) / rate) * 1000;
      await abortableSleep(Math.max(0, dueMs - (Date.now() - started)), options.signal);
    }
  }
  return result;
}
