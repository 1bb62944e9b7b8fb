/** Hand-built messages and states for store and UI tests. */
// The panes register their store models (selection, enter, esc) with the store.
import '../../src/ui/panes/registry.js';
import type {
  GroupSnapshot,
  MonitorMessage,
  StreamSnapshot,
  TailEvent,
} from '../../src/core/messages.js';
import {
  defaultConfig,
  initialState,
  type MonitorConfig,
  type MonitorState,
} from '../../src/store/state.js';
import { reduceAll } from '../../src/store/reducers.js';
import type { StoreAction } from '../../src/store/actions.js';

export const T0 = 1_764_000_000_000; // fixed local clock, ms

export function state(
  config: Partial<MonitorConfig> = {},
  ...actions: StoreAction[]
): MonitorState {
  return reduceAll(
    initialState(defaultConfig({ url: 'redis://127.0.0.1:6379/', ...config }), T0),
    actions,
  );
}

export function ev(
  n: number,
  type = 'asset.discovered',
  extra: Record<string, unknown> = {},
): TailEvent {
  const id = `${T0 + n}-0`;
  const json = JSON.stringify({
    event_id: `id-${n}`,
    timestamp: '2025-11-24T16:00:00+00:00',
    source: 'scanner',
    version: '1.0.0',
    event_type: type,
    n,
    ...extra,
  });
  return {
    id,
    type,
    event: {
      eventType: type,
      eventId: `id-${n}`,
      timestamp: '2025-11-24T16:00:00+00:00',
      source: 'scanner',
      version: '1.0.0',
      data: { n, ...extra },
    },
    fields: { event: json, type },
    bytes: json.length + type.length + 9,
  };
}

export function events(
  from: number,
  count: number,
  type?: string,
  at = T0,
): Extract<MonitorMessage, { type: 'EventsReceived' }> {
  return {
    type: 'EventsReceived',
    events: Array.from({ length: count }, (_, i) => ev(from + i, type)),
    receivedAt: at,
  };
}

export function group(name: string, o: Partial<GroupSnapshot> = {}): GroupSnapshot {
  return {
    name,
    consumers: o.consumerList?.length ?? 0,
    pending: 0,
    lastDeliveredId: '0-0',
    entriesRead: 0,
    lag: 0,
    consumerList: [],
    oldestPendingId: null,
    oldestUndeliveredAgeMs: null,
    ...o,
  };
}

export function stream(key: string, o: Partial<StreamSnapshot> = {}): StreamSnapshot {
  const rest = key.replace(/^alice:events:/, '');
  return {
    key,
    kind: rest === 'all' ? 'global' : 'type',
    eventType: rest === 'all' ? null : rest,
    length: 0,
    lastGeneratedId: '0-0',
    firstEntryId: null,
    entriesAdded: 0,
    maxDeletedEntryId: null,
    groups: [],
    ...o,
  };
}

export function snapshot(streams: StreamSnapshot[], at = T0, serverMs = T0): MonitorMessage {
  return {
    type: 'SnapshotReceived',
    at,
    durationMs: 3,
    roundTrips: 2,
    server: { version: '7.0.15', maxmemoryPolicy: 'noeviction', timeMs: serverMs },
    streams,
  };
}

/** A realistic snapshot: one stuck group with pending entries, one healthy, the global stream. */
export function triageSnapshot(at = T0): MonitorMessage {
  return snapshot(
    [
      stream('alice:events:all', { length: 1200, entriesAdded: 1200 }),
      stream('alice:events:asset.discovered', {
        length: 800,
        entriesAdded: 800,
        groups: [
          group('alice-main', {
            pending: 3,
            lag: 40,
            entriesRead: 760,
            lastDeliveredId: `${T0 - 5000}-0`,
            oldestPendingId: `${T0 - 600_000}-0`,
            oldestUndeliveredAgeMs: 4000,
            consumerList: [
              { name: 'worker-1', pending: 2, idleMs: 610_000, inactiveMs: null },
              { name: 'worker-2', pending: 1, idleMs: 1200, inactiveMs: null },
            ],
          }),
        ],
      }),
      stream('alice:events:project.created', {
        length: 20,
        entriesAdded: 20,
        groups: [
          group('alice-main', {
            pending: 0,
            lag: 0,
            entriesRead: 20,
            lastDeliveredId: `${T0 - 100}-0`,
            consumerList: [{ name: 'worker-3', pending: 0, idleMs: 500, inactiveMs: 500 }],
          }),
        ],
      }),
    ],
    at,
  );
}

export function pendingPage(
  stream_: string,
  group_: string,
  n: number,
  consumer: string | null = null,
  startId: string = '-',
): Extract<MonitorMessage, { type: 'PendingPageReceived' }> {
  return {
    type: 'PendingPageReceived',
    stream: stream_,
    group: group_,
    consumer,
    entries: Array.from({ length: n }, (_, i) => ({
      id: `${T0 - 600_000 + i}-0`,
      consumer: i % 2 ? 'worker-2' : 'worker-1',
      idleMs: 1000 * (i + 1),
      deliveries: i + 1,
    })),
    startId,
    hasMore: false,
    at: T0,
    order: 'idle',
    scan: { examined: n, complete: true, limit: 50_000 },
  };
}
