/**
 * One page of a stream for the monitor's history view: XRANGE / XREVRANGE from a cursor
 * (exclusive `(id` bounds, Redis ≥ 6.2), one entry more than asked to know whether there is more.
 * Binary-safe like the inspector (invalid UTF-8 kept as `\xNN`). Entries come back oldest first.
 */
import type { Redis } from 'ioredis';
import type { HistoryAnchor } from '../core/history-page.js';
import type { RawFields } from '../core/types.js';
import { fieldsFromBuffers } from '../core/bytes.js';

export interface HistoryPageEntry {
  id: string;
  fields: RawFields;
  bytes: number;
}

export interface HistoryPage {
  entries: HistoryPageEntry[];
  /** Entries exist before the first / after the last one returned. */
  hasOlder: boolean;
  hasNewer: boolean;
}

type Reply = [Buffer, Buffer[]][];

const toEntry = ([id, raw]: [Buffer, Buffer[]]): HistoryPageEntry => ({
  id: id.toString(),
  ...fieldsFromBuffers(raw),
});

export async function readHistoryPage(
  client: Redis,
  key: string,
  anchor: HistoryAnchor,
  count: number,
): Promise<HistoryPage> {
  const n = Math.max(1, Math.floor(count));
  const fwd = (start: string) =>
    client.xrangeBuffer(key, start, '+', 'COUNT', n + 1) as Promise<Reply>;
  const back = (end: string, c = n + 1) =>
    client.xrevrangeBuffer(key, end, '-', 'COUNT', c) as Promise<Reply>;
  const exists = async (r: Promise<Reply>) => (await r).length > 0;
  switch (anchor.kind) {
    case 'newest': {
      const got = await back('+');
      return {
        entries: got.slice(0, n).reverse().map(toEntry),
        hasOlder: got.length > n,
        hasNewer: false,
      };
    }
    case 'oldest': {
      const got = await fwd('-');
      return { entries: got.slice(0, n).map(toEntry), hasOlder: false, hasNewer: got.length > n };
    }
    case 'after': {
      const got = await fwd(`(${anchor.id}`);
      return { entries: got.slice(0, n).map(toEntry), hasOlder: true, hasNewer: got.length > n };
    }
    case 'before': {
      const got = await back(`(${anchor.id}`);
      return {
        entries: got.slice(0, n).reverse().map(toEntry),
        hasOlder: got.length > n,
        hasNewer: true,
      };
    }
    case 'at': {
      // Goto: the page starts at the first entry ≥ the ID (the view selects it).
      const [got, older] = await Promise.all([fwd(anchor.id), exists(back(`(${anchor.id}`, 1))]);
      if (got.length === 0) {
        // Past the newest entry: show the newest page instead (the view says so).
        const last = await back('+');
        return {
          entries: last.slice(0, n).reverse().map(toEntry),
          hasOlder: last.length > n,
          hasNewer: false,
        };
      }
      return { entries: got.slice(0, n).map(toEntry), hasOlder: older, hasNewer: got.length > n };
    }
  }
}
