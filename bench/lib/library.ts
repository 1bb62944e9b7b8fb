/**
 * The code under test, loaded at run time so the benchmarks build (and report "not available")
 * while parallel work on the library and monitor is still landing. The interfaces below are
 * the slices of the public API (issues 2 and 3) that the benchmarks use.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EventInput, Delivery } from '../../src/core/types.js';
import type { MonitorMessage } from '../../src/core/messages.js';

export interface EventPersistenceLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  persistEvent(event: EventInput): Promise<string>;
  /** Batch publish (issue 14); absent in older trees. */
  persistEvents?(events: readonly EventInput[]): Promise<string[]>;
  /** Batch consume (issue 14); absent in older trees. */
  consumeEventBatches?(
    eventTypes: string[],
    consumerName: string,
    options?: { blockMs?: number; count?: number; signal?: AbortSignal },
  ): AsyncIterable<{ deliveries: readonly Delivery[]; ack(): Promise<number> }>;
  consumeEvents(
    eventTypes: string[],
    consumerName: string,
    options?: { blockMs?: number; count?: number; signal?: AbortSignal },
  ): AsyncIterable<Delivery>;
}

export interface EventPersistenceCtor {
  new (options: {
    redisUrl: string;
    streamPrefix?: string;
    consumerGroup?: string;
    maxLen?: number;
    client?: import('ioredis').Redis;
  }): EventPersistenceLike;
}

const SRC = new URL('../../src/', import.meta.url);

export function sourceExists(rel: string): boolean {
  return existsSync(fileURLToPath(new URL(rel, SRC)));
}

/** Import a module from src/ by relative path; null when the file has not landed yet. */
export async function importSource<T>(rel: string): Promise<T | null> {
  if (!sourceExists(rel)) return null;
  const url = new URL(rel, SRC).href.replace(/\.ts$/, '.js');
  return (await import(url)) as T;
}

export async function loadEventPersistence(): Promise<EventPersistenceCtor | null> {
  const mod = await importSource<{ EventPersistence?: EventPersistenceCtor }>(
    'streams/event-persistence.ts',
  );
  return mod?.EventPersistence ?? null;
}

export type Emit = (msg: MonitorMessage) => void;
export type { MonitorMessage };

export const DIST_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
