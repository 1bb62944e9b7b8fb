/**
 * History seeding and the steady producer, both writing through the library (`persistEvents` /
 * `persistEvent`: one MULTI per event, type stream + global stream), never raw XADDs.
 */
import type { EventInput } from '../core/types.js';
import { createRng } from './prng.js';
import type { TrafficModel } from './traffic-model.js';
import { sleep } from './workers.js';

/** What the producer needs from the library (`EventPersistence` has it). */
export interface PublishingPersistence {
  persistEvent(event: EventInput): Promise<string>;
  /** Batch publish (pipelined); the history uses it when present. */
  persistEvents?(events: readonly EventInput[]): Promise<string[]>;
}

export interface ProducerStats {
  written: number;
  errors: number;
  poison: number;
  /** True while a burst is on (for the status line). */
  bursting: boolean;
}

export function newProducerStats(): ProducerStats {
  return { written: 0, errors: 0, poison: 0, bursting: false };
}

/**
 * Write `count` events as fast as the server takes them, `concurrency` per batch (one pipelined
 * persistEvents, or that many persistEvent in flight), `poisonAt` (0-based positions) replaced
 * by poison messages.
 */
export async function seedHistory(
  p: PublishingPersistence,
  model: TrafficModel,
  count: number,
  stats: ProducerStats,
  poisonAt: readonly number[] = [],
  concurrency = 1000,
): Promise<void> {
  for (let start = 0; start < count; start += concurrency) {
    const batch: EventInput[] = [];
    for (let i = start; i < Math.min(count, start + concurrency); i++) {
      const now = Date.now();
      batch.push(poisonAt.includes(i) ? model.poison(now) : model.next(now));
    }
    if (p.persistEvents) await p.persistEvents(batch);
    else await Promise.all(batch.map((e) => p.persistEvent(e)));
    stats.written += batch.length;
    stats.poison += batch.filter((_, i) => poisonAt.includes(start + i)).length;
  }
}

export interface ProducerOptions {
  /** Events per second outside bursts. */
  rate: number;
  /** Seed for the burst schedule (kept apart from the model's so bursts don't shift events). */
  seed: number;
  /** A poison message every this many ms; 0 for none. */
  poisonEveryMs: number;
  /** Tick length, ms: events are written in small batches this often. Default 10, so stream IDs spread over time like real traffic rather than clumping every 50 ms. */
  tickMs?: number;
  log(line: string): void;
}

// Bursts: on average one every ~25 s, lasting 2–5 s at 3–6× the rate, like an inbox scan.
const BURST_CHANCE_PER_S = 1 / 25;

/** Runs until `signal` aborts. Never rejects. */
export async function runProducer(
  p: PublishingPersistence,
  model: TrafficModel,
  o: ProducerOptions,
  signal: AbortSignal,
  stats: ProducerStats,
): Promise<void> {
  const tickMs = o.tickMs ?? 10;
  const rng = createRng(o.seed ^ 0xb0257);
  let burstUntil = 0;
  let burstFactor = 1;
  let lastBurstCheck = Date.now();
  let lastPoison = Date.now();
  let owed = 0; // fractional events carried to the next tick, so low rates still produce
  let last = Date.now();
  let failing = false;
  while (!signal.aborted) {
    const now = Date.now();
    if (now - lastBurstCheck >= 1000) {
      lastBurstCheck = now;
      if (now >= burstUntil && rng.chance(BURST_CHANCE_PER_S)) {
        burstUntil = now + rng.int(2000, 5000);
        burstFactor = rng.int(3, 6);
      }
    }
    stats.bursting = now < burstUntil;
    // Catch up at most one second after a stall (GC, a slow server), never a flood.
    owed += (o.rate * (stats.bursting ? burstFactor : 1) * Math.min(1000, now - last)) / 1000;
    last = now;
    const n = Math.floor(owed);
    owed -= n;
    const batch: EventInput[] = [];
    for (let i = 0; i < n; i++) batch.push(model.next(now));
    if (o.poisonEveryMs > 0 && now - lastPoison >= o.poisonEveryMs) {
      lastPoison = now;
      batch.push(model.poison(now));
      stats.poison++;
    }
    const results = await Promise.allSettled(batch.map((e) => p.persistEvent(e)));
    const bad = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    stats.written += results.length - bad.length;
    stats.errors += bad.length;
    if (bad.length > 0 && !failing && !signal.aborted)
      o.log(
        `producer: ${String((bad[0].reason as Error)?.message ?? bad[0].reason)} (further errors counted, not logged)`,
      );
    if (bad.length === 0 && failing) o.log('producer: writing again');
    failing = bad.length > 0;
    await sleep(Math.max(0, tickMs - (Date.now() - now)), signal);
  }
}
