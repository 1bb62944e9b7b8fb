/**
 * Paged reads of a stream range as raw bytes (`XRANGE` through ioredis' Buffer replies), so no
 * value is ever decoded and re-encoded. Pages shrink when entries are large, to keep one page
 * near `maxPageBytes` in memory (1 MB entries come 8 at a time, small ones 500).
 */
import type { Redis } from 'ioredis';
import type { ArchivedEntry } from '../core/archive-record.js';

export interface RangeReadOptions {
  /** Entries per XRANGE at most. Default 500. */
  pageSize?: number;
  /** Target bytes per page. Default 8 MiB. */
  maxPageBytes?: number;
}

type BufferEntry = [Buffer, Buffer[]];

/** Entries of `key` from `start` to `end` (XRANGE bounds; `(id` exclusive), oldest first. */
export async function* readRange(
  client: Redis,
  key: string,
  start: string,
  end: string,
  options: RangeReadOptions = {},
): AsyncGenerator<ArchivedEntry> {
  const maxCount = options.pageSize ?? 500;
  const maxBytes = options.maxPageBytes ?? 8 * 1024 * 1024;
  let count = maxCount;
  let from = start;
  for (;;) {
    const page = (await client.xrangeBuffer(key, from, end, 'COUNT', count)) as BufferEntry[];
    let bytes = 0;
    for (const [id, fields] of page) {
      for (const f of fields) bytes += f.length;
      yield { id: id.toString('latin1'), fields };
    }
    if (page.length < count) return;
    from = `(${page[page.length - 1][0].toString('latin1')}`;
    const perEntry = bytes / page.length;
    count = Math.max(1, Math.min(maxCount, Math.floor(maxBytes / Math.max(1, perEntry))));
  }
}

/** How many entries `key` has from `start` to `end`, and their total bytes, by reading IDs in pages. */
export async function countRange(
  client: Redis,
  key: string,
  start: string,
  end: string,
  filter?: (e: ArchivedEntry) => boolean,
): Promise<{ count: number; bytes: number; firstId: string | null; lastId: string | null }> {
  let count = 0;
  let bytes = 0;
  let firstId: string | null = null;
  let lastId: string | null = null;
  for await (const e of readRange(client, key, start, end, { pageSize: 1000 })) {
    if (filter && !filter(e)) continue;
    count++;
    for (const f of e.fields) bytes += f.length;
    firstId ??= e.id;
    lastId = e.id;
  }
  return { count, bytes, firstId, lastId };
}

/** The value of the first field named `name` in a flat [f, v…] list, or null. */
export function fieldValue(fields: readonly Buffer[], name: string): Buffer | null {
  for (let i = 0; i + 1 < fields.length; i += 2)
    if (fields[i].length === name.length && fields[i].toString('latin1') === name)
      return fields[i + 1];
  return null;
}

/** The flat list without the fields named in `drop`. */
export function withoutFields(fields: readonly Buffer[], drop: readonly string[]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2)
    if (!drop.includes(fields[i].toString('latin1'))) out.push(fields[i], fields[i + 1]);
  return out;
}
