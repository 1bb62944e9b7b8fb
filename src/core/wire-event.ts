/**
 * A decoded event that remembers the exact text it was read from, so that writing it back
 * unchanged gives the same bytes (codec.ts's encodeEventJson, reencode.ts). The text lives in
 * a private field: the object looks and compares like any SeedEvent (`toEqual`, JSON,
 * enumeration), and a copy (`{ ...event }`, structuredClone) is a plain, fresh event.
 * A class with private fields costs no more to create than an object literal (a WeakMap
 * side table cost ~40% of a JSON.parse per decode, measured in bench/encoder.ts's set-up).
 */
import type { SeedEvent } from './types.js';

/** Bits of `absent`: metadata the text did not hold (filled with defaults on decoding). */
export const ABSENT_SOURCE = 1;
export const ABSENT_VERSION = 2;
/** …or held as a value of another kind (`"source": null`, `"version": [1]`), also defaulted. */
export const OTHER_SOURCE = 4;
export const OTHER_VERSION = 8;

export class WireEvent implements SeedEvent {
  eventType: string;
  eventId: string;
  timestamp: string;
  source: string;
  version: string | number;
  data: Record<string, unknown>;
  readonly #json: string;
  readonly #absent: number;

  constructor(event: SeedEvent, json: string, absent: number) {
    this.eventType = event.eventType;
    this.eventId = event.eventId;
    this.timestamp = event.timestamp;
    this.source = event.source;
    this.version = event.version;
    this.data = event.data;
    this.#json = json;
    this.#absent = absent;
  }

  /** The original text and absent-metadata bits of a decoded event; undefined for any other. */
  static origin(event: object): { json: string; absent: number } | undefined {
    return #json in event ? { json: event.#json, absent: event.#absent } : undefined;
  }

  /** `event` linked to the same original text as `from` (when `from` is a decoded event). */
  static relink(from: object, event: SeedEvent): SeedEvent {
    return #json in from ? new WireEvent(event, from.#json, from.#absent) : event;
  }
}
