// The library's public API: re-exports only.
export * from './core/types.js';
export * from './core/errors.js';
export { createKeySpace, assertValidEventType, DEFAULT_PREFIX, DEFAULT_GROUP } from './core/keys.js';
export type { KeySpace, KeyKind } from './core/keys.js';
export { decodeEvent, decodeFields, encodeEventJson, completeEvent, pythonIsoTimestamp } from './core/codec.js';
export { compareStreamIds, streamIdToMs, msToStreamId } from './core/stream-id.js';
