/**
 * The ONLY place that builds Redis key and group names. Everything else asks a KeySpace.
 * A hash-tag mode for Redis Cluster (e.g. prefix `{alice}:events:`) needs no change here:
 * every key shares the prefix, so a braced prefix puts them all in one slot.
 */

export const DEFAULT_PREFIX = 'alice:events:';
export const DEFAULT_GROUP = 'alice-main';
export const GLOBAL_STREAM_SUFFIX = 'all';
export const DLQ_SEGMENT = 'dlq:';
export const IDEMPOTENCY_SEGMENT = 'idem:';

export interface KeySpace {
  readonly prefix: string;
  /** `<prefix><eventType>` */
  typeStream(eventType: string): string;
  /** `<prefix>all` */
  readonly globalStream: string;
  /** `<prefix>dlq:<eventType>` */
  deadLetterStream(eventType: string): string;
  /**
   * The idempotency mark of `eventId` for `group` on `streamKey` (a string key, not a stream):
   * `<prefix>idem:{<tag>}:<group>:<eventId>`, where `<tag>` is the stream key's hash tag (or the
   * whole stream key when it has none), so the mark and the stream are always in one cluster slot
   * and can be written in one MULTI. A braced prefix's own tag comes first and wins, as it does
   * for the stream.
   */
  idempotencyKey(streamKey: string, group: string, eventId: string): string;
  /** SCAN MATCH pattern for every key under the prefix (glob characters in the prefix escaped). */
  readonly scanPattern: string;
  /** Classify a key found under the prefix. */
  describe(key: string): KeyKind;
}

export type KeyKind =
  | { kind: 'global' }
  | { kind: 'type'; eventType: string }
  | { kind: 'dead-letter'; eventType: string }
  | { kind: 'foreign' };

export class InvalidEventTypeError extends Error {
  readonly code = 'INVALID_EVENT_TYPE';
}

/** Throws when an event type cannot be used as a stream name. */
export function assertValidEventType(eventType: string): void {
  if (typeof eventType !== 'string' || eventType.length === 0) {
    throw new InvalidEventTypeError('event type must be a non-empty string');
  }
  if (eventType === GLOBAL_STREAM_SUFFIX) {
    throw new InvalidEventTypeError(
      `event type "${GLOBAL_STREAM_SUFFIX}" is reserved: it would collide with the global stream`,
    );
  }
  if (eventType.startsWith(DLQ_SEGMENT)) {
    throw new InvalidEventTypeError(
      `event type may not start with "${DLQ_SEGMENT}" (reserved for dead letters)`,
    );
  }
}

/** What Redis Cluster hashes: the first non-empty `{…}` of the key, else the whole key. */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

export function createKeySpace(prefix: string = DEFAULT_PREFIX): KeySpace {
  const globalStream = `${prefix}${GLOBAL_STREAM_SUFFIX}`;
  return {
    prefix,
    globalStream,
    scanPattern: `${escapeGlob(prefix)}*`,
    typeStream(eventType) {
      assertValidEventType(eventType);
      return `${prefix}${eventType}`;
    },
    deadLetterStream(eventType) {
      return `${prefix}${DLQ_SEGMENT}${eventType}`;
    },
    idempotencyKey(streamKey, group, eventId) {
      return `${prefix}${IDEMPOTENCY_SEGMENT}{${hashTagOf(streamKey)}}:${group}:${eventId}`;
    },
    describe(key) {
      if (!key.startsWith(prefix)) return { kind: 'foreign' };
      const rest = key.slice(prefix.length);
      if (rest === GLOBAL_STREAM_SUFFIX) return { kind: 'global' };
      if (rest.startsWith(DLQ_SEGMENT))
        return { kind: 'dead-letter', eventType: rest.slice(DLQ_SEGMENT.length) };
      if (rest.length === 0) return { kind: 'foreign' };
      return { kind: 'type', eventType: rest };
    },
  };
}
