/**
 * Runtime payload validation at consume time (the `schemas` option): a delivery whose payload
 * its type's Standard Schema refuses is dead-lettered with the schema's message as the reason
 * (`invalid payload: file_size: Expected number, received string`) and never handed out — the
 * same treatment as an entry that cannot be decoded. Types without a schema pass unchecked.
 */
import type { Delivery, EventInput, SeedEvent } from '../core/types.js';
import { StreamscopeError } from '../core/errors.js';
import { schemaProblem, type StandardSchemaV1 } from '../core/standard-schema.js';
import type { PersistenceContext } from './context.js';
import { deadLetter, DEAD_LETTER_REASON } from './recovery.js';

/** Schemas by event type, as the persistence holds them (untyped). */
export type SchemaTable = Readonly<Record<string, StandardSchemaV1 | undefined>>;

/** The schema's one-line complaint about this event's payload, or null (valid, or no schema). */
export async function payloadProblem(
  schemas: SchemaTable | undefined,
  eventType: string,
  data: unknown,
): Promise<string | null> {
  const schema = schemas && Object.hasOwn(schemas, eventType) ? schemas[eventType] : undefined;
  return schema ? schemaProblem(schema, data) : null;
}

/**
 * Refuse a publish whose payload its type's schema rejects: INVALID_PAYLOAD with the schema's
 * message (`asset.discovered payload refused by its schema: file_size: Expected number…`).
 */
export async function assertValidPayload(
  schemas: SchemaTable | undefined,
  input: Pick<EventInput, 'eventType' | 'data'>,
): Promise<void> {
  if (!schemas) return;
  const problem = await payloadProblem(schemas, input.eventType, input.data ?? {});
  if (problem !== null)
    throw new StreamscopeError(
      'INVALID_PAYLOAD',
      `${input.eventType} payload refused by its schema: ${problem}`,
    );
}

/** True when the delivery may be handed out; false when it was dead-lettered here. */
async function admitValid(
  ctx: PersistenceContext,
  schemas: SchemaTable,
  consumer: string,
  d: Delivery,
): Promise<boolean> {
  const event: SeedEvent | null = d.event;
  if (!event) return true;
  const problem = await payloadProblem(schemas, event.eventType, event.data);
  if (problem === null) return true;
  await deadLetter(ctx, {
    streamKey: d.streamKey,
    id: d.messageId,
    consumer,
    deliveryCount: d.deliveryCount,
    reason: DEAD_LETTER_REASON.invalidPayload(problem),
  });
  return false;
}

export async function* validated(
  ctx: PersistenceContext,
  deliveries: AsyncIterable<Delivery>,
  schemas: SchemaTable,
  consumer: string,
): AsyncGenerator<Delivery> {
  for await (const d of deliveries) if (await admitValid(ctx, schemas, consumer, d)) yield d;
}

/** The same per batch; a batch emptied by it is dropped. */
export async function* validatedBatches(
  ctx: PersistenceContext,
  batches: AsyncIterable<Delivery[]>,
  schemas: SchemaTable,
  consumer: string,
): AsyncGenerator<Delivery[]> {
  for await (const batch of batches) {
    const kept: Delivery[] = [];
    for (const d of batch) if (await admitValid(ctx, schemas, consumer, d)) kept.push(d);
    if (kept.length > 0) yield kept;
  }
}
