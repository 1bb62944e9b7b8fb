/**
 * The ONLY place that builds Redis key and group names. Everything else asks a KeySpace.
 *
 * Two layouts for Redis Cluster (the `layout` option):
 *  - `hash-tag` (default): the prefix is braced (`{alice}:events:`), so every key shares one
 *    slot and a publish is one MULTI. Key names are the seed's: `<prefix><type>`, `<prefix>all`,
 *    `<prefix>dlq:<type>`.
 *  - `spread`: an unbraced prefix; each stream hashes on its whole name, so streams spread over
 *    the masters. A dead-letter stream must share its type stream's slot (the copy and the XACK
 *    are one MULTI), so its name carries the type stream's name as hash tag:
 *    `<prefix>dlq:{<prefix><type>}`.
 */
import { StreamscopeError } from './errors.js';
import { hashTagOf } from './hash-slot.js';

/** The seed's stream prefix: `<prefix><type>`, `<prefix>all`, `<prefix>dlq:<type>`. */
export const DEFAULT_PREFIX = 'alice:events:';
/** The seed's consumer group name. */
export const DEFAULT_GROUP = 'alice-main';
export const GLOBAL_STREAM_SUFFIX = 'all';
export const DLQ_SEGMENT = 'dlq:';
export const IDEMPOTENCY_SEGMENT = 'idem:';
/** Never written: ACL probes name it so a permitted command finds no such key and changes nothing. */
const PROBE_SUFFIX = '__streamscope_probe__';

export type KeyLayout = 'hash-tag' | 'spread';
export const KEY_LAYOUTS: readonly KeyLayout[] = ['hash-tag', 'spread'];

/** True when every key under the prefix hashes on the prefix's `{tag}` (one cluster slot). */
export function prefixIsHashTagged(prefix: string): boolean {
  return hashTagOf(prefix) !== null;
}

/** Every Redis key name the library uses, for one prefix and layout (see README "Keys"). */
export interface KeySpace {
  readonly prefix: string;
  readonly layout: KeyLayout;
  /** `<prefix><eventType>` */
  typeStream(eventType: string): string;
  /** `<prefix>all` */
  readonly globalStream: string;
  /** `<prefix>dlq:<eventType>`; in the spread layout `<prefix>dlq:{<type stream>}` (same slot). */
  deadLetterStream(eventType: string): string;
  /**
   * The idempotency mark of `eventId` for `group` on `streamKey` (a string key, not a stream):
   * `<prefix>idem:{<tag>}:<group>:<eventId>`, where `<tag>` is the stream key's hash tag (or the
   * whole stream key when it has none), so the mark and the stream are always in one cluster slot
   * and can be written in one MULTI. A braced prefix's own tag comes first and wins, as it does
   * for the stream.
   */
  idempotencyKey(streamKey: string, group: string, eventId: string): string;
  /**
   * The dead-letter stream of a stream key: `dlq:<type>` for a type stream, `dlq:all` for the
   * global stream, `dlq:<rest of the name>` for anything else under the prefix.
   */
  deadLetterStreamOf(streamKey: string): string;
  /**
   * A `--stream` argument as the CLI takes it: `all` (the global stream), `dlq:<type>` (that
   * type's dead letters, in either layout) or an event type.
   */
  streamNamed(name: string): string;
  /** SCAN MATCH pattern for every key under the prefix (glob characters in the prefix escaped). */
  readonly scanPattern: string;
  /** SCAN MATCH pattern for every dead-letter stream (both layouts' names match it). */
  readonly deadLetterScanPattern: string;
  /** Classify a key found under the prefix. */
  describe(key: string): KeyKind;
  /**
   * `<prefix>__streamscope_probe__`: a key that does not exist, for the ACL probes of the
   * monitor's commands (a NOPERM reply is the only answer that counts; nothing is written).
   */
  readonly probeKey: string;
}

/** What a key of a KeySpace is: a type stream, the global stream, a dead-letter stream, or not ours. */
export type KeyKind =
  | { kind: 'global' }
  | { kind: 'type'; eventType: string }
  | { kind: 'dead-letter'; eventType: string }
  | { kind: 'foreign' };

export class InvalidEventTypeError extends StreamscopeError {
  constructor(message: string) {
    super('INVALID_EVENT_TYPE', message);
  }
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

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** The key names for `prefix` (default `alice:events:`) and a cluster layout (default `hash-tag`). */
export function createKeySpace(
  prefix: string = DEFAULT_PREFIX,
  layout: KeyLayout = 'hash-tag',
): KeySpace {
  const globalStream = `${prefix}${GLOBAL_STREAM_SUFFIX}`;
  // `{<prefix><type>}` in a dead-letter name: only where the type stream has no tag of its own.
  const spreadDlq = (eventType: string) =>
    layout === 'spread' && hashTagOf(`${prefix}${eventType}`) === null;
  const deadLetterStream = (eventType: string): string =>
    spreadDlq(eventType)
      ? `${prefix}${DLQ_SEGMENT}{${prefix}${eventType}}`
      : `${prefix}${DLQ_SEGMENT}${eventType}`;
  const keys: KeySpace = {
    prefix,
    layout,
    globalStream,
    scanPattern: `${escapeGlob(prefix)}*`,
    deadLetterScanPattern: `${escapeGlob(prefix)}${DLQ_SEGMENT}*`,
    probeKey: `${prefix}${PROBE_SUFFIX}`,
    deadLetterStreamOf(streamKey) {
      const kind = keys.describe(streamKey);
      if (kind.kind === 'type') return deadLetterStream(kind.eventType);
      if (kind.kind === 'global') return deadLetterStream(GLOBAL_STREAM_SUFFIX);
      return deadLetterStream(streamKey.slice(prefix.length) || 'unknown');
    },
    streamNamed(name) {
      if (name === GLOBAL_STREAM_SUFFIX) return globalStream;
      if (name.startsWith(DLQ_SEGMENT)) return deadLetterStream(name.slice(DLQ_SEGMENT.length));
      return keys.typeStream(name);
    },
    typeStream(eventType) {
      assertValidEventType(eventType);
      return `${prefix}${eventType}`;
    },
    deadLetterStream,
    idempotencyKey(streamKey, group, eventId) {
      return `${prefix}${IDEMPOTENCY_SEGMENT}{${hashTagOf(streamKey) ?? streamKey}}:${group}:${eventId}`;
    },
    describe(key) {
      if (!key.startsWith(prefix)) return { kind: 'foreign' };
      const rest = key.slice(prefix.length);
      if (rest === GLOBAL_STREAM_SUFFIX) return { kind: 'global' };
      if (rest.startsWith(DLQ_SEGMENT)) {
        const tail = rest.slice(DLQ_SEGMENT.length);
        // The spread layout's `{<prefix><type>}` form names the same type.
        const braced = tail.startsWith(`{${prefix}`) && tail.endsWith('}');
        const eventType = braced ? tail.slice(prefix.length + 1, -1) : tail;
        return { kind: 'dead-letter', eventType };
      }
      if (rest.length === 0) return { kind: 'foreign' };
      return { kind: 'type', eventType: rest };
    },
  };
  return keys;
}
