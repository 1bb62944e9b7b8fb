/**
 * `streamscope dlq list [--stream <type>] [--json]` and
 * `streamscope dlq redrive|delete --stream <type> (--ids <id,…> | --all) [--rate <n/s>]`.
 */
import { sanitize } from '../core/sanitize.js';
import { compareStreamIds } from '../core/stream-id.js';
import {
  listDeadLetterStreams,
  readRawDeadLetters,
  type RawDeadLetter,
} from '../monitor/bulk/dead-letters-raw.js';
import { planDlqDelete, planRedrive } from '../monitor/bulk/plans.js';
import { UsageError } from './args.js';
import { clusterUsage } from './connection-options.js';
import {
  BULK_ARGS,
  bulkCommand,
  commonUsage,
  dlqKeyOf,
  idsOrAll,
  runPlan,
  SESSION_ARGS,
} from './bulk-cli.js';
import { subcommand } from './group-verbs.js';

const COL = 24;

export const DLQ_LIST_HELP = `Usage: streamscope dlq list [--stream <type>] [--json] [options]

Lists dead letters (every <prefix>dlq:* stream, or the one of --stream), newest first: ID, original
stream and ID, group, consumer, deliveries, reason, age and a payload summary.

  --stream <type>       only <prefix>dlq:<type>
  --json                one JSON document { "deadLetters": [...] }
  --url <redis-url>     server (default: REDIS_URL, else redis://127.0.0.1:6379)
${clusterUsage(COL)}  --prefix <prefix>     key prefix
  -h, --help            this help
`;

export const DLQ_REDRIVE_HELP = `Usage: streamscope dlq redrive --stream <type> (--ids <id,…> | --all) [--rate <n/s>] [options]

Re-publishes each dead letter's original fields byte-for-byte to its original stream, plus
redriven_from=<dead-letter ID>, and deletes the dead letter in the same MULTI. Tombstones (entries
deleted while pending) are skipped. Undo: streamscope undo <journal id> moves the copies back.

  --stream <type>       the dead letters of this type (<prefix>dlq:<type>)
  --ids <id,…>          these dead-letter IDs
  --all                 every dead letter of the stream
  --rate <n/s>          at most n entries per second (e.g. 500/s)

Options:
${commonUsage(COL)}`;

export const DLQ_DELETE_HELP = `Usage: streamscope dlq delete --stream <type> (--ids <id,…> | --all) [options]

Deletes dead letters (XDEL). Cannot be undone.

  --stream <type>       the dead letters of this type (<prefix>dlq:<type>)
  --ids <id,…>          these dead-letter IDs
  --all                 every dead letter of the stream

Options:
${commonUsage(COL)}`;

const PICK = {
  stream: { type: 'string' },
  ids: { type: 'string' },
  all: { type: 'boolean' },
} as const;

/** `500/s` or `500` → 500 per second. */
export function parseRate(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+)(\/s)?$/.exec(raw.trim());
  if (!m || Number(m[1]) < 1)
    throw new UsageError(
      `--rate: expected entries per second such as 500/s, got ${JSON.stringify(raw)}`,
    );
  return Number(m[1]);
}

function summary(l: RawDeadLetter): string {
  if (!l.fields) return '(tombstone: deleted while pending)';
  const parts: string[] = [];
  for (let i = 0; i + 1 < l.fields.length; i += 2)
    parts.push(`${l.fields[i].toString()}=${l.fields[i + 1].toString()}`);
  const text = sanitize(parts.join(' '));
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function age(id: string, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - Number(id.split('-')[0])) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function runList(argv: string[]): Promise<number> {
  const specs = { ...SESSION_ARGS, stream: { type: 'string' }, json: { type: 'boolean' } } as const;
  return bulkCommand('dlq list', argv, specs, DLQ_LIST_HELP, async (v, session) => {
    const keys = v.stream
      ? [dlqKeyOf(session.keys, v.stream)]
      : await listDeadLetterStreams(session.ctx);
    const letters: (RawDeadLetter & { dlq: string })[] = [];
    for (const k of keys)
      for (const l of await readRawDeadLetters(session.ctx, k, null))
        letters.push({ ...l, dlq: k });
    letters.sort((a, b) => compareStreamIds(b.id, a.id));
    const now = Date.now();
    if (v.json) {
      const deadLetters = letters.map((l) => ({
        dlq: l.dlq,
        id: l.id,
        originalStream: l.originalStream,
        originalId: l.originalId,
        group: l.group,
        consumer: l.consumer,
        deliveries: l.deliveries,
        reason: l.reason,
        tombstone: l.fields === null,
        fields: l.fields
          ? Object.fromEntries(
              Array.from({ length: l.fields.length / 2 }, (_, i) => [
                l.fields![2 * i].toString(),
                l.fields![2 * i + 1].toString(),
              ]),
            )
          : null,
      }));
      process.stdout.write(`${JSON.stringify({ deadLetters }, null, 2)}\n`);
      return 0;
    }
    if (letters.length === 0) {
      process.stdout.write(`no dead letters under "${sanitize(session.keys.prefix)}"\n`);
      return 0;
    }
    const rows = [
      [
        'ID',
        'ORIGINAL STREAM',
        'ORIGINAL ID',
        'GROUP',
        'CONSUMER',
        'DLV',
        'AGE',
        'REASON',
        'PAYLOAD',
      ],
    ];
    for (const l of letters)
      rows.push([
        l.id,
        sanitize(l.originalStream),
        l.originalId,
        sanitize(l.group),
        sanitize(l.consumer),
        l.deliveries === null ? '?' : String(l.deliveries),
        age(l.id, now),
        sanitize(l.reason.length > 40 ? `${l.reason.slice(0, 39)}…` : l.reason),
        summary(l),
      ]);
    process.stdout.write(
      `${letters.length} dead letters in ${keys.length} stream${keys.length === 1 ? '' : 's'}\n\n${table(rows)}\n`,
    );
    return 0;
  });
}

export function runDlq(argv: string[]): Promise<number> {
  return subcommand('dlq', argv, {
    list: runList,
    redrive: (rest) =>
      bulkCommand(
        'dlq redrive',
        rest,
        { ...BULK_ARGS, ...PICK, rate: { type: 'string' } },
        DLQ_REDRIVE_HELP,
        async (v, session) => {
          const plan = await planRedrive(session.ctx, {
            dlqKey: dlqKeyOf(session.keys, v.stream),
            ids: idsOrAll(v),
            ratePerSec: parseRate(v.rate),
          });
          return runPlan('dlq redrive', session, v, plan);
        },
      ),
    delete: (rest) =>
      bulkCommand(
        'dlq delete',
        rest,
        { ...BULK_ARGS, ...PICK },
        DLQ_DELETE_HELP,
        async (v, session) => {
          const plan = await planDlqDelete(session.ctx, {
            dlqKey: dlqKeyOf(session.keys, v.stream),
            ids: idsOrAll(v),
          });
          return runPlan('dlq delete', session, v, plan);
        },
      ),
  });
}
