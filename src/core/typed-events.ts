/**
 * Typed events: a map from event type to payload type (`{ 'asset.discovered': { file_path:
 * string; … } }`) makes EventPersistence<Events> and PersistentEventBus<Events> check what is
 * published and narrow what is read. Without one (the default, {@link AnyEvents}) every type is a
 * string and every payload a `Record<string, unknown>`, as before. Type-level only: nothing here
 * runs (runtime validation is the optional `schemas` option, see core/standard-schema.ts).
 */
import type { Delivery, EventInput, RawFields, SeedEvent } from './types.js';
import type { StandardSchemaOutput, StandardSchemaV1 } from './standard-schema.js';

/** The untyped map, the default: any event type, any payload. */
export type AnyEvents = Record<string, Record<string, unknown>>;

/**
 * The map itself; `unknown` (a class whose type parameter was never instantiated, as in
 * `ConstructorParameters<typeof EventPersistence>`) counts as the untyped map.
 */
export type ResolvedEvents<Events> = unknown extends Events ? AnyEvents : Events;

/** The event types of a map, as strings. */
export type EventTypeOf<Events> = keyof ResolvedEvents<Events> & string;

/** The payload type of one event type of a map. */
export type PayloadOf<Events, K extends EventTypeOf<Events>> = ResolvedEvents<Events>[K];

/**
 * The types a call is about: `K` for a typed map; every type (`string`) for the untyped one, so
 * that results of calls for different types keep one type, as before typed events.
 */
export type Narrow<Events, K extends string> =
  string extends EventTypeOf<Events> ? EventTypeOf<Events> : Extract<K, EventTypeOf<Events>>;

/** `data` is optional when the payload type accepts `{}` (as the untyped one does). */
type DataField<P> = Record<never, never> extends P ? { data?: P } : { data: P };

/**
 * What persistEvent / publish accept for one map: `eventType` one of its types, `data` that
 * type's payload. A union over the types, so a payload is checked against its own type.
 */
export type EventInputOf<Events> = {
  [K in EventTypeOf<Events>]: Omit<EventInput, 'eventType' | 'data'> & {
    eventType: K;
  } & DataField<PayloadOf<Events, K>>;
}[EventTypeOf<Events>];

/**
 * A decoded event of the map, one of `Types` (default: all of them); a union discriminated on
 * `eventType`, so `if (e.eventType === 'asset.discovered')` narrows `e.data`.
 */
export type EventOf<Events, Types extends EventTypeOf<Events> = EventTypeOf<Events>> = {
  [K in Types]: Omit<SeedEvent, 'eventType' | 'data'> & {
    eventType: K;
    data: PayloadOf<Events, K>;
  };
}[Types];

/** A getEvents result: the decoded event (null when not in the seed format) and the raw fields. */
export interface StoredEventOf<Ev> {
  /** Stream entry ID, e.g. `1732694928060-0`. */
  streamId: string;
  /** Decoded event, or null when the entry is not in the seed format. */
  event: Ev | null;
  /** Always the raw field map. */
  fields: RawFields;
}

/**
 * A delivery from consumeEvents of `Types`: a union discriminated on `eventType` (the event's
 * type), so `switch (d.eventType)` narrows `d.event.data`. Its event is never null (entries
 * that cannot be decoded are dead-lettered, not handed out).
 */
export type DeliveryOf<Events, Types extends EventTypeOf<Events> = EventTypeOf<Events>> = {
  [K in Types]: Omit<Delivery, 'eventType' | 'event'> & {
    eventType: K;
    event: EventOf<Events, K>;
  };
}[Types];

/**
 * Runtime payload checks, per event type: a Standard Schema (zod, valibot, arktype, or a
 * hand-written `~standard` object) whose output is that type's payload.
 */
export type EventSchemas<Events> = {
  [K in EventTypeOf<Events>]?: StandardSchemaV1<unknown, PayloadOf<Events, K>>;
};

/** The event map a set of schemas describes: `EventsOf<typeof schemas>`. */
export type EventsOf<Schemas extends Record<string, StandardSchemaV1>> = {
  [K in keyof Schemas]: StandardSchemaOutput<Schemas[K]>;
};
