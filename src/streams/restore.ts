/**
 * Restore archived entries into a stream byte for byte: each entry keeps its original ID while
 * that ID is above the target's last generated ID (a fresh sandbox), otherwise it gets a new ID
 * and a `restored_from=<original ID>` field (Redis only accepts increasing IDs). An entry whose
 * original ID is already in the target with the same fields is skipped, so restoring a file
 * twice does not duplicate it.
 */
import type { Redis } from 'ioredis';
import { compareStreamIds } from '../core/stream-id.js';
import { StreamscopeError } from '../core/errors.js';
import type { ArchivedEntry } from '../core/archive-record.js';
import { readArchiveFile } from './archive-files.js';

/** Field added to a restored entry that could not keep its original ID: that ID. */
export const RESTORED_FROM = 'restored_from';

/** What restoreFile wrote. */
export interface RestoreResult {
  targetKey: string;
  /** Entries written with their original ID, with a new ID (+ restored_from), and skipped as already there. */
  originalIds: number;
  newIds: number;
  alreadyPresent: number;
}

/** Read a whole file once to count and validate it (a corrupt file throws one line). */
export async function scanArchiveFile(
  path: string,
): Promise<{ count: number; bytes: number; firstId: string | null; lastId: string | null }> {
  let count = 0;
  let bytes = 0;
  let firstId: string | null = null;
  let lastId: string | null = null;
  for await (const e of readArchiveFile(path)) {
    count++;
    for (const f of e.fields) bytes += f.length;
    firstId ??= e.id;
    lastId = e.id;
  }
  return { count, bytes, firstId, lastId };
}

/** The target's last generated ID (`0-0` for a missing stream). */
export async function lastGeneratedId(client: Redis, key: string): Promise<string> {
  try {
    const info = (await client.call('XINFO', 'STREAM', key)) as unknown[];
    const i = info.findIndex((x) => String(x) === 'last-generated-id');
    return i >= 0 ? String(info[i + 1]) : '0-0';
  } catch (err) {
    if (/no such key/i.test(String((err as Error).message))) return '0-0';
    throw err;
  }
}

function sameFields(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  return a.length === b.length && a.every((x, i) => x.equals(b[i]));
}

/** Write an archive day file back into `targetKey`, with the original IDs where the stream allows; raw bytes, idempotent. */
export async function restoreFile(
  client: Redis,
  path: string,
  targetKey: string,
  options: { batchSize?: number; onProgress?: (done: number) => void; signal?: AbortSignal } = {},
): Promise<RestoreResult> {
  const size = options.batchSize ?? 500;
  const result: RestoreResult = { targetKey, originalIds: 0, newIds: 0, alreadyPresent: 0 };
  let last = await lastGeneratedId(client, targetKey);
  // Once one entry needed a new ID (the server's time), every later one does too.
  let newIds = false;
  let batch: ArchivedEntry[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    // Entries at or below the last ID may already be there (an earlier restore): look them up.
    const low = batch.filter((e) => compareStreamIds(e.id, last) <= 0);
    const present = new Set<string>();
    if (low.length > 0) {
      const p = client.pipeline();
      for (const e of low) p.xrangeBuffer(targetKey, e.id, e.id);
      const replies = (await p.exec()) ?? [];
      low.forEach((e, i) => {
        const hit = (replies[i]?.[1] as [Buffer, Buffer[]][] | undefined)?.[0];
        if (hit && sameFields(hit[1], e.fields)) present.add(e.id);
      });
    }
    const tx = client.multi();
    let queued = 0;
    for (const e of batch) {
      if (present.has(e.id)) {
        result.alreadyPresent++;
        continue;
      }
      if (!newIds && compareStreamIds(e.id, last) > 0) {
        tx.xadd(targetKey, e.id, ...e.fields);
        queued++;
        last = e.id;
        result.originalIds++;
      } else {
        newIds = true;
        tx.xadd(targetKey, '*', ...e.fields, Buffer.from(RESTORED_FROM), Buffer.from(e.id));
        queued++;
        result.newIds++;
      }
    }
    const out = queued === 0 ? [] : ((await tx.exec()) as [Error | null, unknown][] | null);
    const failed = out?.find(([err]) => err)?.[0];
    if (!out || failed)
      throw failed ?? new StreamscopeError('REDIS', 'the restore MULTI was discarded');
    const lastOut = out[out.length - 1]?.[1];
    if (lastOut) last = String(lastOut);
    batch = [];
    options.onProgress?.(result.originalIds + result.newIds + result.alreadyPresent);
  };
  for await (const e of readArchiveFile(path)) {
    if (options.signal?.aborted) break;
    batch.push(e);
    if (batch.length >= size) await flush();
  }
  if (!options.signal?.aborted) await flush();
  return result;
}
