/** The monitor's read requests from the UI: PEL pages and single entries. Never rejects. */
import type { Redis } from 'ioredis';
import type { MonitorMessage } from '../core/messages.js';
import type { MonitorQueriesPort } from '../core/ports.js';
import { decodeEvent } from '../core/codec.js';
import {
  fetchEntries,
  fetchEntry,
  findByEventId,
  readPendingMostIdle,
  readPendingPage,
} from '../streams/inspector.js';
import { readHistoryPage } from '../streams/history-page.js';
import { ReceivedEvent } from './tail.js';
import { describeServer, secretsOf, toErrorInfo } from './connection-guard.js';

export interface QueriesOptions {
  /** A shared, non-blocking client; not closed here. */
  client: Redis;
  emit: (msg: MonitorMessage) => void;
}

export function createQueries({ client, emit }: QueriesOptions): MonitorQueriesPort {
  const errorInfo = (err: unknown) => toErrorInfo(err, describeServer(client), secretsOf(client));
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
        const page = await readHistoryPage(client, request.key, request.anchor, request.count);
        emit({
          type: 'HistoryPageReceived',
          request,
          entries: page.entries.map((e) => new ReceivedEvent(e.id, e.fields, e.bytes)),
          hasOlder: page.hasOlder,
          hasNewer: page.hasNewer,
          at: Date.now(),
        });
      } catch (err) {
        emit({ type: 'HistoryPageFailed', request, error: errorInfo(err), at: Date.now() });
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
