/** The monitor's read requests from the UI: PEL pages and single entries. Never rejects. */
import type { Redis } from 'ioredis';
import type { MonitorMessage } from '../core/messages.js';
import type { MonitorQueriesPort } from '../core/ports.js';
import { decodeEvent } from '../core/codec.js';
import { fetchEntry, readPendingMostIdle, readPendingPage } from '../streams/inspector.js';
import { parseRule } from '../core/pel-rule.js';
import { describeServer, secretsOf, toErrorInfo } from './connection-guard.js';
import { scanPel } from './bulk/pel-scan.js';

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
