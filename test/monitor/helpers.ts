/** Helpers for the monitor loop tests: client factories that record what they made, message sinks. */
import { Redis } from 'ioredis';
import type { MonitorMessage, TailEvent } from '../../src/core/messages.js';

/** A factory like cli/ would pass: fails fast (no ioredis-side retry); the loop does the retrying. */
export function factory(
  url: string | (() => string),
  connectionName?: string,
): { create: () => Redis; made: Redis[] } {
  const made: Redis[] = [];
  return {
    made,
    create: () => {
      const c = new Redis(typeof url === 'string' ? url : url(), {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 1000,
        connectionName,
      });
      made.push(c);
      return c;
    },
  };
}

export function sink(): {
  msgs: MonitorMessage[];
  emit: (m: MonitorMessage) => void;
  events: () => TailEvent[];
  of: <T extends MonitorMessage['type']>(t: T) => Extract<MonitorMessage, { type: T }>[];
} {
  const msgs: MonitorMessage[] = [];
  return {
    msgs,
    emit: (m) => msgs.push(m),
    events: () => msgs.flatMap((m) => (m.type === 'EventsReceived' ? m.events : [])),
    of: <T extends MonitorMessage['type']>(t: T) =>
      msgs.filter((m): m is Extract<MonitorMessage, { type: T }> => m.type === t),
  };
}
