/** The monitor's read requests from the UI: PEL pages and single entries. Never rejects. */
import type { Redis } from 'ioredis';
import type { MonitorMessage } from '../core/messages.js';
import type { MonitorQueriesPort } from '../core/ports.js';
import { fieldsFromBuffers } from '../core/bytes.js';
import { decodeEvent } from '../core/codec.js';
import type { KeySpace } from '../core/keys.js';
import type { DeadLetterRow } from '../core/messages.js';
import { parseRule } from '../core/pel-rule.js';
import { compareStreamIds } from '../core/stream-id.js';
import { listDeadLetterStreams, parseRawDeadLetter } from './bulk/dead-letters-raw.js';
import {
  fetchEntries,
  fetchEntry,
  findByEventId,
  readPendingMostIdle,
  readPendingPage,
} from '../streams/inspector.js';
import { readHistoryPage } from '../streams/history-page.js';
import { readHistoryPageWithArchive } from '../streams/history-archive.js';
import { countHistoryRange } from '../streams/history-count.js';
import { listArchivedStreamKeys } from '../streams/archive-files.js';
import { ReceivedEvent } from './tail.js';
import { describeServer, secretsOf, toErrorInfo } from './connection-guard.js';
import { scanPel } from './bulk/pel-scan.js';

export interface QueriesOptions {
  /** A shared, non-blocking client; not closed here. */
  client: Redis;
  emit: (msg: MonitorMessage) => void;
  /** The key space (pane 5 lists its `<prefix>dlq:*` streams); absent: no dead-letter pane. */
  keys?: KeySpace;
  /** Dead letters read per dead-letter stream, newest first. Default 1000. */
  deadLettersPerStream?: number;
  /** `--archive <dir>`: the history view continues into archived days before a stream's first entry. */
  archiveDir?: string;
}

/** Range-count progress is emitted at most this often, ms (one re-render each). */
const COUNT_PROGRESS_MS = 250;

/** The original fields in one line for the list: `event={"n":1} blob=…`, cut short. */
function summaryOf(fields: readonly Buffer[] | null, max = 160): string {
  if (!fields) return '';
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; i + 1 < fields.length && n < max; i += 2) {
    const part = `${fields[i].toString('utf8')}=${fields[i + 1].toString('utf8', 0, max)}`;
    parts.push(part);
    n += part.length + 1;
  }
  const line = parts.join(' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function createQueries({
  client,
  emit,
  keys,
  deadLettersPerStream = 1000,
  archiveDir,
}: QueriesOptions): MonitorQueriesPort {
  const errorInfo = (err: unknown) => toErrorInfo(err, describeServer(client), secretsOf(client));
  // The range count running now; a new one (or cancelHistoryCount) replaces it and it stops.
  let counting: object | null = null;
  return {
    async loadPendingPage(stream, group, o) {
      try {
        if (o.order === 'idle') {
          const { entries, hasMore, scan } = await readPendingMostIdle(client, stream, group, {
            count: o.count,
            offset: o.offset ?? 0,
            consumer: o.consumer,
          });
          emit({
            type: 'PendingPageReceived',
            stream,
            group,
            consumer: o.consumer,
            entries,
            startId: '-',
            hasMore,
            at: Date.now(),
            order: 'idle',
            scan,
          });
          return;
        }
        const { entries, hasMore } = await readPendingPage(client, stream, group, o);
        // startId: the cursor the page was asked for ('-' = the start of the PEL).
        emit({
          type: 'PendingPageReceived',
          stream,
          group,
          consumer: o.consumer,
          entries,
          startId: o.afterId ?? '-',
          hasMore,
          at: Date.now(),
          order: 'id',
        });
      } catch (err) {
        emit({ type: 'PendingPageFailed', stream, group, error: errorInfo(err), at: Date.now() });
      }
    },
    async loadHistoryPage(request) {
      try {
        const page = archiveDir
          ? await readHistoryPageWithArchive(
              client,
              request.key,
              archiveDir,
              request.anchor,
              request.count,
            )
          : await readHistoryPage(client, request.key, request.anchor, request.count);
        emit({
          type: 'HistoryPageReceived',
          request,
          entries: page.entries.map((e) => new ReceivedEvent(e.id, e.fields, e.bytes)),
          hasOlder: page.hasOlder,
          hasNewer: page.hasNewer,
          ...('firstLiveId' in page ? { firstLiveId: page.firstLiveId as string | null } : {}),
          at: Date.now(),
        });
      } catch (err) {
        emit({ type: 'HistoryPageFailed', request, error: errorInfo(err), at: Date.now() });
      }
    },
    async countHistoryRange(request) {
      const me = {};
      counting = me;
      let shown = 0;
      const counted = (
        c: Omit<
          Extract<MonitorMessage, { type: 'HistoryRangeCounted' }>,
          'type' | 'request' | 'at'
        >,
      ) => emit({ type: 'HistoryRangeCounted', request, ...c, at: Date.now() });
      try {
        const c = await countHistoryRange(client, request.key, request.from, request.to, {
          archiveDir,
          cancelled: () => counting !== me,
          onProgress: (p) => {
            const t = Date.now();
            if (t - shown < COUNT_PROGRESS_MS) return;
            shown = t;
            counted({ ...p, error: null });
          },
        });
        if (counting === me) counted({ ...c, error: null });
      } catch (err) {
        if (counting === me)
          counted({
            count: 0,
            estimated: false,
            done: true,
            firstId: null,
            lastId: null,
            error: errorInfo(err).message,
          });
      } finally {
        if (counting === me) counting = null;
      }
    },
    cancelHistoryCount() {
      counting = null;
    },
    async listArchivedStreams() {
      if (!archiveDir || !keys) return;
      try {
        const found = await listArchivedStreamKeys(archiveDir, keys.prefix);
        emit({ type: 'ArchivedStreamsListed', keys: found, at: Date.now() });
      } catch {
        // An unreadable archive root: the history view of a stream says so when it pages there.
      }
    },
    async findCounterpart(fromStream, id, eventId, toStream) {
      let toId: string | null = null;
      try {
        const ms = Number(id.split('-')[0]);
        if (Number.isFinite(ms)) toId = await findByEventId(client, toStream, ms, eventId);
      } catch {
        // Shown as not found: the detail view still has the ID it was opened on.
      }
      emit({ type: 'CounterpartFound', fromStream, id, toStream, toId, at: Date.now() });
    },
    // `:mark <rule>`: the whole PEL (monitor/bulk/pel-scan.ts), not the page on screen.
    async markPending(stream, group, rule) {
      const failed = (error: ReturnType<typeof errorInfo>) =>
        emit({ type: 'PendingMarkFailed', stream, group, rule, error, at: Date.now() });
      const parsed = parseRule(rule);
      if (!parsed.ok) return failed({ code: 'INVALID_ARGUMENT', message: parsed.error });
      try {
        const ctx = { client, display: describeServer(client), secrets: secretsOf(client) };
        const rows = await scanPel(ctx, stream, group, parsed.rule);
        emit({
          type: 'PendingMarked',
          stream,
          group,
          rule,
          ids: rows.map((e) => e.id),
          at: Date.now(),
        });
      } catch (err) {
        failed(errorInfo(err));
      }
    },
    async loadDeadLetters() {
      if (!keys) {
        emit({
          type: 'DeadLettersFailed',
          error: { code: 'INVALID_ARGUMENT', message: 'no key space given' },
          at: Date.now(),
        });
        return;
      }
      const ctx = { client, keys, display: describeServer(client), secrets: secretsOf(client) };
      try {
        const rows: DeadLetterRow[] = [];
        const truncated: string[] = [];
        for (const dlqKey of await listDeadLetterStreams(ctx)) {
          const page = (await client.xrevrangeBuffer(
            dlqKey,
            '+',
            '-',
            'COUNT',
            deadLettersPerStream,
          )) as [Buffer, Buffer[]][];
          if (page.length === deadLettersPerStream) truncated.push(dlqKey);
          for (const [id, flat] of page) {
            const l = parseRawDeadLetter(id.toString(), flat);
            rows.push({
              dlqKey,
              id: l.id,
              originalStream: l.originalStream,
              originalId: l.originalId,
              group: l.group,
              consumer: l.consumer,
              deliveries: l.deliveries,
              reason: l.reason,
              summary: summaryOf(l.fields),
              tombstone: l.fields === null,
              fields: fieldsFromBuffers(flat).fields,
            });
          }
        }
        // Newest first across every dead-letter stream (IDs are times).
        rows.sort((a, b) => compareStreamIds(b.id, a.id));
        emit({ type: 'DeadLettersLoaded', rows, truncated, at: Date.now() });
      } catch (err) {
        emit({ type: 'DeadLettersFailed', error: errorInfo(err), at: Date.now() });
      }
    },
    async loadEntries(stream, ids) {
      try {
        const found = await fetchEntries(client, stream, ids);
        emit({
          type: 'EntriesLoaded',
          stream,
          entries: ids.map((id, i) => {
            const e = found[i];
            return { id, fields: e?.fields ?? null, event: e ? decodeEvent(e.fields) : null };
          }),
          at: Date.now(),
        });
      } catch {
        // Columns stay empty; the next page load asks again.
      }
    },
    async loadEntry(stream, id) {
      try {
        const entry = await fetchEntry(client, stream, id);
        emit({
          type: 'EntryLoaded',
          stream,
          id,
          fields: entry?.fields ?? null,
          event: entry ? decodeEvent(entry.fields) : null,
          at: Date.now(),
        });
      } catch {
        // The port has no EntryFailed message: report it as an entry that could not be loaded.
        emit({ type: 'EntryLoaded', stream, id, fields: null, event: null, at: Date.now() });
      }
    },
  };
}
