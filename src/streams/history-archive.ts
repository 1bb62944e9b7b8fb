/**
 * The history view past retention: with `--archive <dir>`, paging backward past a stream's first
 * entry continues into its archived days (`<dir>/<stream key>/<yyyy-mm-dd>.ndjson.gz`, written by
 * `streamscope archive`), read with the same reader as `replay --archive` and `restore`
 * (streams/archive-files.ts). Archived entries are those older than the stream's first entry
 * (IDs at or after it are read from Redis, as the replay does), so a day archived but not yet
 * trimmed is never listed twice. Every page returns `firstLiveId`: rows before it are archived.
 *
 * A day file is gzip without an index, so a page streams through the files it needs, keeping at
 * most `count + 1` entries (memory is bounded by the page, not by the day).
 */
import type { Redis } from 'ioredis';
import type { HistoryAnchor } from '../core/history-page.js';
import type { ArchivedEntry } from '../core/archive-record.js';
import { fieldsFromBuffers } from '../core/bytes.js';
import { dayOfStreamId } from '../core/replay-range.js';
import { compareStreamIds } from '../core/stream-id.js';
import { dayOfFile, listDayFiles, readArchiveFile } from './archive-files.js';
import { readHistoryPage, type HistoryPage, type HistoryPageEntry } from './history-page.js';

export interface ArchivedHistoryPage extends HistoryPage {
  /** The stream's first entry in Redis (null: the stream is empty or gone); rows before it are archived. */
  firstLiveId: string | null;
}

const toEntry = (e: ArchivedEntry): HistoryPageEntry => ({
  id: e.id,
  ...fieldsFromBuffers(e.fields),
});

const before = (a: string, b: string | null) => b === null || compareStreamIds(a, b) < 0;

/** Up to `n` archived entries with IDs < `bound` (and < firstLive), newest last; `more`: older ones exist. */
async function archivedBefore(
  files: readonly string[],
  bound: string | null,
  firstLive: string | null,
  n: number,
): Promise<{ entries: ArchivedEntry[]; more: boolean }> {
  const limit = [bound, firstLive].reduce<string | null>(
    (m, x) => (x === null ? m : m === null || compareStreamIds(x, m) < 0 ? x : m),
    null,
  );
  const lastDay = limit === null ? null : dayOfStreamId(limit);
  let out: ArchivedEntry[] = [];
  // Newest day first; each file is read whole but only the last n + 1 entries are kept.
  for (let i = files.length - 1; i >= 0 && out.length <= n; i--) {
    const day = dayOfFile(files[i]) ?? '';
    if (lastDay !== null && day > lastDay) continue;
    const ring: ArchivedEntry[] = [];
    for await (const e of readArchiveFile(files[i])) {
      if (!before(e.id, limit)) break;
      ring.push(e);
      if (ring.length > n + 1 - out.length) ring.shift();
    }
    out = [...ring, ...out];
  }
  const more = out.length > n;
  return { entries: more ? out.slice(out.length - n) : out, more };
}

/** Up to `n` archived entries with IDs > `after` (≥ with inclusive) and < firstLive, oldest first. */
async function archivedAfter(
  files: readonly string[],
  after: string | null,
  inclusive: boolean,
  firstLive: string | null,
  n: number,
): Promise<{ entries: ArchivedEntry[]; more: boolean }> {
  const firstDay = after === null ? null : dayOfStreamId(after);
  const out: ArchivedEntry[] = [];
  for (const file of files) {
    if (firstDay !== null && (dayOfFile(file) ?? '') < firstDay) continue;
    for await (const e of readArchiveFile(file)) {
      if (!before(e.id, firstLive)) return { entries: out.slice(0, n), more: out.length > n };
      if (after !== null) {
        const c = compareStreamIds(e.id, after);
        if (c < 0 || (c === 0 && !inclusive)) continue;
      }
      out.push(e);
      if (out.length > n) return { entries: out.slice(0, n), more: true };
    }
  }
  return { entries: out, more: false };
}

/** One page of the history view, continuing into the archive before the stream's first entry. */
export async function readHistoryPageWithArchive(
  client: Redis,
  key: string,
  archiveDir: string,
  anchor: HistoryAnchor,
  count: number,
): Promise<ArchivedHistoryPage> {
  const n = Math.max(1, Math.floor(count));
  const head = (await client.xrange(key, '-', '+', 'COUNT', 1)) as [string, unknown][];
  const firstLive = head[0]?.[0] ?? null;
  const files = await listDayFiles(archiveDir, key);
  const live = (a: HistoryAnchor) => readHistoryPage(client, key, a, n);
  const inArchive = (id: string) => firstLive === null || compareStreamIds(id, firstLive) < 0;
  const page = (p: HistoryPage): ArchivedHistoryPage => ({ ...p, firstLiveId: firstLive });

  // Older entries from the archive, in front of a page whose oldest row is `oldest` (or of none).
  const fillOlder = async (p: HistoryPage, bound: string | null): Promise<ArchivedHistoryPage> => {
    if (p.hasOlder || files.length === 0) return page(p);
    // A full page from Redis takes nothing from the archive: only whether it has more matters.
    const a = await archivedBefore(files, bound, firstLive, Math.max(0, n - p.entries.length));
    return page({ ...p, entries: [...a.entries.map(toEntry), ...p.entries], hasOlder: a.more });
  };
  // Newer entries from the live stream after a page of archived rows.
  const fillNewer = async (rows: ArchivedEntry[], more: boolean, hasOlder: boolean) => {
    const entries = rows.map(toEntry);
    if (more || firstLive === null)
      return page({ entries, hasOlder, hasNewer: more || firstLive !== null });
    const rest = await live({ kind: 'oldest' });
    const take = rest.entries.slice(0, n - entries.length);
    return page({
      entries: [...entries, ...take],
      hasOlder,
      hasNewer: take.length < rest.entries.length || rest.hasNewer,
    });
  };

  switch (anchor.kind) {
    case 'newest': {
      if (firstLive === null) {
        const a = await archivedBefore(files, null, null, n);
        return page({ entries: a.entries.map(toEntry), hasOlder: a.more, hasNewer: false });
      }
      const p = await live(anchor);
      return fillOlder(p, p.entries[0]?.id ?? null);
    }
    case 'before': {
      if (!inArchive(anchor.id)) {
        const p = await live(anchor);
        return fillOlder(p, p.entries[0]?.id ?? anchor.id);
      }
      const a = await archivedBefore(files, anchor.id, firstLive, n);
      return page({ entries: a.entries.map(toEntry), hasOlder: a.more, hasNewer: true });
    }
    case 'oldest':
    case 'after':
    case 'at': {
      const from = anchor.kind === 'oldest' ? null : anchor.id;
      if (from !== null && !inArchive(from)) return page(await live(anchor));
      const a = await archivedAfter(files, from, anchor.kind === 'at', firstLive, n);
      if (a.entries.length === 0 && anchor.kind !== 'after') {
        // Nothing archived from there on: the live stream (or, when it is gone, the newest archived page).
        if (firstLive !== null)
          return page(await live(anchor.kind === 'oldest' ? anchor : { kind: 'oldest' }));
        const last = await archivedBefore(files, null, null, n);
        return page({ entries: last.entries.map(toEntry), hasOlder: last.more, hasNewer: false });
      }
      const hasOlder =
        from === null
          ? false
          : (await archivedBefore(files, a.entries[0]?.id ?? from, firstLive, 0)).more;
      return fillNewer(a.entries, a.more, hasOlder);
    }
  }
}
