// The library's public API: re-exports only.
export * from './core/types.js';
export * from './core/errors.js';
export {
  createKeySpace,
  assertValidEventType,
  DEFAULT_PREFIX,
  DEFAULT_GROUP,
} from './core/keys.js';
export type { KeySpace, KeyKind } from './core/keys.js';
export {
  decodeEvent,
  decodeFields,
  encodeEventJson,
  completeEvent,
  pythonIsoTimestamp,
  originalEventJson,
} from './core/codec.js';
export { pythonJsonDumps } from './core/python-json.js';
export { parsePythonJson } from './core/python-json-parse.js';
export { compareStreamIds, streamIdToMs, msToStreamId } from './core/stream-id.js';
// Typed events (type-level) and the Standard Schema interface for runtime payload checks.
export type { SeedEvents, SeedEventType } from './core/seed-events.js';
export type {
  AnyEvents,
  DeliveryOf,
  EventInputOf,
  EventOf,
  EventSchemas,
  EventsOf,
  EventTypeOf,
  Narrow,
  PayloadOf,
  ResolvedEvents,
  StoredEventOf,
} from './core/typed-events.js';
export type {
  StandardSchemaV1,
  StandardSchemaProps,
  StandardSchemaResult,
  StandardSchemaIssue,
  StandardSchemaOutput,
} from './core/standard-schema.js';
// Event persistence library (streams/, bus/).
export { EventPersistence } from './streams/event-persistence.js';
export {
  getPersistence,
  publishPersistentEvent,
  closeSharedPersistence,
} from './streams/shared-persistence.js';
export type {
  ConsumedTypes,
  EventPersistenceOptions,
  GetEventsOptions,
  PendingOptions,
  TrimOldEventsOptions,
} from './streams/event-persistence.js';
// Replay and archive (streams/replay*.ts, archive*.ts, restore.ts).
export { parseRange, parseSpeed, parseAge } from './core/replay-range.js';
export type { ReplaySpeed } from './core/replay-range.js';
export { ReplayControl } from './streams/replay-control.js';
export type { ReplayProgress } from './streams/replay-control.js';
export { planReplay, previewReplay } from './streams/replay-plan.js';
export type {
  ReplayPlan,
  ReplayPreview,
  ReplayRequest,
  ReplayTarget,
} from './streams/replay-plan.js';
export { runReplay, REPLAYED_FROM } from './streams/replay.js';
export type { ReplayResult, ReplayRunOptions } from './streams/replay.js';
export type { ArchiveReport, ArchiveDay } from './streams/archive.js';
export { restoreFile, RESTORED_FROM } from './streams/restore.js';
export type { RestoreResult } from './streams/restore.js';
export { readArchiveFile } from './streams/archive-files.js';
export { encodeArchiveLine, decodeArchiveLine } from './core/archive-record.js';
export type { ArchivedEntry } from './core/archive-record.js';
export type { ConsumeOptions } from './streams/consumer.js';
export type { IdempotencyOptions } from './streams/idempotency.js';
export { PublishBatchError } from './streams/batch-publish.js';
export type { EventBatch } from './streams/batch-consumer.js';
export type { PublishBatchOptions, PublishFailure } from './streams/batch-publish.js';
export type { TrimReport, TrimLoss } from './streams/retention.js';
export type { DeadLetter, DeadLetterRange } from './streams/dead-letters.js';
export type { Logger } from './streams/context.js';
export {
  createRedisClient,
  createBlockingClient,
  connectChecked,
  resolveTarget,
  backoffDelay,
  streamsOfReadReply,
  DEFAULT_REDIS_URL,
  MIN_REDIS_VERSION,
} from './streams/connection.js';
export type {
  ConnectionOptions,
  ResolvedTarget,
  ServerCheck,
  TlsConnectionOptions,
} from './streams/connection.js';
export { PersistentEventBus } from './bus/persistent-event-bus.js';
export type {
  ReplayEventsOptions,
  PersistentEventBusOptions,
  BusErrorContext,
  EventHandler,
  ConsumerHandler,
} from './bus/persistent-event-bus.js';
export { monitorEventsFromRedis } from './bus/monitor-events.js';
export type { MonitorEventsOptions } from './bus/monitor-events.js';
