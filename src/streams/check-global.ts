/**
 * The repair check of the spread layout (`streamscope status --check-global`): a publish there is
 * two commands (publish-spread.ts), so a type-stream entry can lack its copy in the global stream.
 * Every seed-format entry of each type stream is looked up in the global stream by its event_id.
 * Read-only: XRANGE pages and one XINFO STREAM. When the global stream has been trimmed, a type
 * entry without a copy that is older than the global's first entry is not judged (its copy may
 * have been trimmed).
 */
import type { Redis } from 'ioredis';
import type { KeySpace } from '../core/keys.js';
import { fieldsFromArray } from '../core/codec.js';
import { compareStreamIds } from '../core/stream-id.js';

export interface MissingGlobalCopy {
  stream: string;
  id: string;
  eventId: string;
}

export interface GlobalCheck {
  /** Type-stream entries looked up. */
  checked: number;
  missing: MissingGlobalCopy[];
  /** Type-stream entries older than the global stream's first entry (not judged). */
  older: number;
  /** Entries not in the seed format (no event_id): not judged. */
  foreign: number;
}

const PAGE = 1000;

function eventIdOf(flat: string[] | null): string | null {
  if (!flat) return null;
  const json = fieldsFromArray(flat).event;
  if (json === undefined) return null;
  try {
    const id = (JSON.parse(json) as { event_id?: unknown }).event_id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** Every entry of `key`, a page (XRANGE COUNT 1000) at a time. */
async function* entries(client: Redis, key: string): AsyncGenerator<[string, string[] | null]> {
  let start = '-';
  for (;;) {
    const page = (await client.xrange(key, start, '+', 'COUNT', PAGE)) as [string, string[]][];
    yield* page;
    if (page.length < PAGE) return;
    start = `(${page[page.length - 1][0]}`;
  }
}

export async function checkGlobalStream(
  client: Redis,
  keys: KeySpace,
  typeStreams: readonly string[],
): Promise<GlobalCheck> {
  const inGlobal = new Set<string>();
  let globalFirst: string | null = null;
  let globalCount = 0;
  for await (const [id, flat] of entries(client, keys.globalStream)) {
    globalFirst ??= id;
    globalCount++;
    const eventId = eventIdOf(flat);
    if (eventId) inGlobal.add(eventId);
  }
  // Entries ever removed from the global stream (trimmed): a copy older than its first entry may
  // be gone for that reason. A copy's ID is never below its type entry's (written after it).
  const added = await entriesAdded(client, keys.globalStream);
  const trimmed = added !== null && added > globalCount;
  const out: GlobalCheck = { checked: 0, missing: [], older: 0, foreign: 0 };
  for (const stream of typeStreams) {
    for await (const [id, flat] of entries(client, stream)) {
      const eventId = eventIdOf(flat);
      if (!eventId) {
        out.foreign++;
        continue;
      }
      if (inGlobal.has(eventId)) out.checked++;
      else if (trimmed && globalFirst !== null && compareStreamIds(id, globalFirst) < 0)
        out.older++;
      else {
        out.checked++;
        out.missing.push({ stream, id, eventId });
      }
    }
  }
  return out;
}

/** `entries-added` of a stream (Redis ≥ 7.0); null when unknown or the stream does not exist. */
async function entriesAdded(client: Redis, key: string): Promise<number | null> {
  try {
    const info = (await client.call('XINFO', 'STREAM', key)) as unknown[];
    const i = info.indexOf('entries-added');
    return i >= 0 ? Number(info[i + 1]) : null;
  } catch {
    return null;
  }
}
