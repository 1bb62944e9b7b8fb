/**
 * Streams a range of one stream out as NDJSON (core/ndjson.ts), page by page with XRANGE on raw
 * bytes: memory stays constant however long the stream (one page of `pageSize` entries in
 * flight; the writer's backpressure is awaited before the next page is read). Read-only.
 */
import type { Redis } from 'ioredis';
import { entryLine } from '../core/ndjson.js';
import { decodeEvent } from '../core/codec.js';
import { bytesToText } from '../core/bytes.js';

export interface ExportRangeOptions {
  /** First ID (inclusive), `-` for the start; a bare ms time is `<ms>-0`. */
  from: string;
  /** Last ID (inclusive), `+` for the end; a bare ms time includes that whole millisecond. */
  to: string;
  /** Only entries of these event types (the `type` field, else the decoded event type). */
  types: readonly string[] | null;
  /** The stream's own event type (type streams): with `types`, decides without decoding. */
  streamType?: string | null;
  /** Entries per XRANGE page. Default 1000. */
  pageSize?: number;
  /** Called after each page with the running totals. */
  onProgress?(exported: number, examined: number): void;
  /** Stop between pages. */
  signal?: AbortSignal;
}

export interface ExportResult {
  exported: number;
  /** Entries read but left out by the type filter. */
  skipped: number;
  /** True when stopped by the signal before the end of the range. */
  aborted: boolean;
}

type Page = [Buffer, Buffer[]][];

function typeOf(flat: readonly Buffer[]): string | null {
  const text: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i].toString('latin1');
    if (name === 'type') return bytesToText(flat[i + 1]);
    if (name === 'event') text.event = bytesToText(flat[i + 1]);
  }
  return decodeEvent(text)?.eventType ?? null;
}

/**
 * Reads `key` from `from` to `to` and hands `write` one chunk of NDJSON per page; `write` may
 * return a promise (backpressure), which is awaited before the next page.
 */
export async function exportRange(
  client: Redis,
  key: string,
  write: (chunk: string) => void | Promise<void>,
  options: ExportRangeOptions,
): Promise<ExportResult> {
  const pageSize = options.pageSize ?? 1000;
  const types = options.types && options.types.length > 0 ? new Set(options.types) : null;
  const result: ExportResult = { exported: 0, skipped: 0, aborted: false };
  // A type stream holds one type: the filter keeps all of it or none of it.
  if (types && options.streamType && !types.has(options.streamType)) return result;
  const perEntry = types !== null && !options.streamType;
  let start = options.from;
  for (;;) {
    if (options.signal?.aborted) return { ...result, aborted: true };
    const page = (await client.xrangeBuffer(key, start, options.to, 'COUNT', pageSize)) as Page;
    let chunk = '';
    for (const [idBuf, flat] of page) {
      const id = idBuf.toString('latin1');
      if (perEntry && !types.has(typeOf(flat) ?? '')) {
        result.skipped++;
        continue;
      }
      chunk += entryLine(key, id, flat);
      result.exported++;
    }
    if (chunk) await write(chunk);
    options.onProgress?.(result.exported, result.exported + result.skipped);
    if (page.length < pageSize) return result;
    start = `(${page[page.length - 1][0].toString('latin1')}`;
  }
}
