/** Raw XINFO / XPENDING replies (as ioredis returns them) → typed records. Pure. */
import type { ConsumerInfo, GroupInfo, PendingEntry, PendingSummary, RawFields } from './types.js';
import { fieldsFromArray } from './codec.js';

type Raw = unknown;

/** A flat [k, v, k, v…] reply → object. */
export function pairsToObject(reply: Raw): Record<string, Raw> {
  const out: Record<string, Raw> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
  return out;
}

function num(v: Raw): number {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

function numOrNull(v: Raw): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

export interface RawEntry {
  id: string;
  fields: RawFields;
}

/** `[id, [f, v…]]` → entry; null for a deleted entry (`[id, nil]`) or a nil reply. */
export function parseEntry(reply: Raw): RawEntry | null {
  if (!Array.isArray(reply) || reply.length < 2 || reply[1] === null) return null;
  return { id: String(reply[0]), fields: fieldsFromArray(reply[1] as string[]) };
}

export interface XinfoStream {
  length: number;
  lastGeneratedId: string;
  maxDeletedEntryId: string | null;
  entriesAdded: number | null;
  recordedFirstEntryId: string | null;
  groups: number;
  radixTreeKeys: number;
  radixTreeNodes: number;
  firstEntry: RawEntry | null;
  lastEntry: RawEntry | null;
}

export function parseXinfoStream(reply: Raw): XinfoStream {
  const o = pairsToObject(reply);
  return {
    length: num(o.length),
    lastGeneratedId: String(o['last-generated-id'] ?? '0-0'),
    maxDeletedEntryId: o['max-deleted-entry-id'] == null ? null : String(o['max-deleted-entry-id']),
    entriesAdded: numOrNull(o['entries-added']),
    recordedFirstEntryId:
      o['recorded-first-entry-id'] == null ? null : String(o['recorded-first-entry-id']),
    groups: num(o.groups),
    radixTreeKeys: num(o['radix-tree-keys']),
    radixTreeNodes: num(o['radix-tree-nodes']),
    firstEntry: parseEntry(o['first-entry']),
    lastEntry: parseEntry(o['last-entry']),
  };
}

export function parseXinfoGroups(reply: Raw): GroupInfo[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((g) => {
    const o = pairsToObject(g);
    return {
      name: String(o.name),
      consumers: num(o.consumers),
      pending: num(o.pending),
      lastDeliveredId: String(o['last-delivered-id'] ?? '0-0'),
      entriesRead: numOrNull(o['entries-read']),
      lag: numOrNull(o.lag),
    };
  });
}

export function parseXinfoConsumers(reply: Raw): ConsumerInfo[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((c) => {
    const o = pairsToObject(c);
    return {
      name: String(o.name),
      pending: num(o.pending),
      idleMs: num(o.idle),
      inactiveMs:
        o.inactive === undefined
          ? null
          : numOrNull(o.inactive) === -1
            ? null
            : numOrNull(o.inactive),
    };
  });
}

export function parsePendingSummary(reply: Raw): PendingSummary {
  if (!Array.isArray(reply)) return { count: 0, minId: null, maxId: null, consumers: [] };
  const [count, minId, maxId, consumers] = reply;
  return {
    count: num(count),
    minId: minId == null ? null : String(minId),
    maxId: maxId == null ? null : String(maxId),
    consumers: Array.isArray(consumers)
      ? consumers.map((c) => ({ name: String((c as Raw[])[0]), pending: num((c as Raw[])[1]) }))
      : [],
  };
}

export function parsePendingEntries(reply: Raw): PendingEntry[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((r) => {
    const [id, consumer, idle, deliveries] = r as Raw[];
    return {
      id: String(id),
      consumer: String(consumer),
      idleMs: num(idle),
      deliveries: num(deliveries),
    };
  });
}

/**
 * THE TIME reply parser: `[seconds, microseconds]` (strings or numbers, as ioredis returns
 * them, or as a script relays them) → ms since the epoch.
 */
export function parseTimeReply(reply: Raw): number {
  if (!Array.isArray(reply) || reply.length < 2) return Number.NaN;
  return Number(reply[0]) * 1000 + Math.floor(Number(reply[1]) / 1000);
}
