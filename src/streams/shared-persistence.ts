/**
 * The seed's module-level helpers: `get_persistence()` and `publish_persistent_event(event)`.
 * One shared EventPersistence per distinct options (compared by value; functions, clients and
 * other objects inside them by identity), created on first use and connected on first call.
 */
import type { EventInput } from '../core/types.js';
import { EventPersistence, type EventPersistenceOptions } from './event-persistence.js';

const shared = new Map<string, EventPersistence>();
const identities = new WeakMap<object, number>();
let nextIdentity = 1;

/** A stable key for options: plain values by value (keys sorted), anything else by identity. */
function optionsKey(value: unknown): string {
  if (value === undefined) return 'u';
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') return `#${identityOf(value)}`;
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(optionsKey).join(',')}]`;
  if (Object.getPrototypeOf(value) !== Object.prototype) return `#${identityOf(value)}`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${optionsKey(o[k])}`)
    .join(',')}}`;
}

function identityOf(o: object): number {
  let id = identities.get(o);
  if (id === undefined) identities.set(o, (id = nextIdentity++));
  return id;
}

/**
 * The shared EventPersistence for these options (`get_persistence()`): the same instance for
 * equal options, a new one otherwise. It connects on first use; after its disconnect() the next
 * call here returns a fresh instance.
 */
export function getPersistence(options: EventPersistenceOptions = {}): EventPersistence {
  const key = optionsKey(options);
  let p = shared.get(key);
  if (!p || p.disconnected) {
    p = new EventPersistence(options);
    shared.set(key, p);
  }
  return p;
}

/** `publish_persistent_event(event)`: persistEvent on the shared instance. Resolves to the entry ID. */
export function publishPersistentEvent(
  event: EventInput,
  options: EventPersistenceOptions = {},
): Promise<string> {
  return getPersistence(options).persistEvent(event);
}

/** Disconnect and forget every shared instance (for shutdown and tests). */
export async function closeSharedPersistence(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  await Promise.all(all.map((p) => p.disconnect()));
}
