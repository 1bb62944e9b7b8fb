/**
 * `streamscope archive --stream <type|all> --older-than 30d --dir <dir>`: write the entries a
 * time trim would remove to `<dir>/<stream key>/<yyyy-mm-dd>.ndjson.gz`, fsync, re-read and
 * count them, and only then trim them (exact XTRIM MINID), never past an entry a group has not
 * read or acknowledged. `all` means every type stream under the prefix plus the global stream.
 */
import { access, constants } from 'node:fs/promises';
import type { KeySpace } from '../core/keys.js';
import { parseAge } from '../core/replay-range.js';
import { StreamscopeError, errorCodeOf } from '../core/errors.js';
import { StreamDiscovery } from '../streams/inspector.js';
import { archiveAndTrim, type ArchiveReport } from '../streams/archive.js';
import { makeDirs } from '../streams/archive-files.js';
import type { PersistenceContext } from '../streams/context.js';
import { clusterUsage, tlsUsage } from './connection-options.js';
import { mutationUsage, runMutation } from './mutation-cli.js';
import { entries, openSession, parseOps, type OpsSession } from './stream-ops.js';

const HELP = `Usage: streamscope archive --stream <type|all|dlq:type> --older-than <age> --dir <dir>
         [--dry-run] [--yes]

Archives the entries older than <age> to <dir>/<stream key>/<yyyy-mm-dd>.ndjson.gz (one JSON
object per entry: id and raw fields, non-UTF-8 bytes as {"base64": …}), makes the files
durable, reads them back and counts them, and only then trims the stream (XTRIM MINID) —
never past an entry a consumer group has not read or acknowledged. A failed write trims
nothing; archiving the same entries again does not duplicate them.
  --stream <s>         an event type, dlq:<type>, or all (every type stream and the global stream)
  --older-than <age>   30d (default), 12h, 90m…
  --dir <dir>          archive root (created when missing)
${mutationUsage(23)}  --url <redis-url>    server (default: REDIS_URL, else redis://127.0.0.1:6379)
${tlsUsage(23)}${clusterUsage(23)}  --prefix <prefix>    key prefix (default: alice:events:)
  -h, --help           this help
`;

interface ArchiveValues {
  stream?: string;
  'older-than'?: string;
  dir?: string;
}

async function streamKeys(session: OpsSession, stream: string): Promise<string[]> {
  const keys: KeySpace = session.keys;
  if (stream === 'all') {
    const found = await new StreamDiscovery(keys).step(session.client, true);
    const types = found.keys.filter((k) => keys.describe(k).kind === 'type').sort();
    return [...types, keys.globalStream];
  }
  const key = keys.streamNamed(stream);
  if (Number(await session.client.exists(key)) !== 1)
    throw new StreamscopeError(
      'INVALID_ARGUMENT',
      `unknown stream "${stream}": no key ${key} (streamscope status lists the streams)`,
    );
  return [key];
}

async function writableDir(dir: string): Promise<void> {
  try {
    await makeDirs(dir);
    await access(dir, constants.W_OK);
  } catch (err) {
    throw new StreamscopeError(
      'ARCHIVE',
      `cannot write to --dir ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

function contextOf(session: OpsSession): PersistenceContext {
  return {
    client: session.client,
    keys: session.keys,
    group: '',
    maxDeliveries: 0,
    groupStartId: '0',
    logger: () => {},
    display: session.display,
    secrets: session.secrets,
    newBlockingClient: () => session.client.duplicate(),
  };
}

function held(r: ArchiveReport): string {
  if (r.keptBack === 0) return '';
  const who = r.heldBy.map((g) => g.group).join(', ');
  return `, ${entries(r.keptBack)} kept back (not yet read or acknowledged by ${who})`;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOps<ArchiveValues>('archive', HELP, argv, {
    stream: { type: 'string' },
    'older-than': { type: 'string' },
    dir: { type: 'string' },
  });
  if (!parsed) return 2;
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!v.stream || !v.dir) {
    process.stderr.write('streamscope archive: --stream and --dir are required\n');
    return 2;
  }
  let maxAgeDays: number;
  try {
    maxAgeDays = parseAge(v['older-than'] ?? '30d') / 86_400_000;
  } catch (err) {
    process.stderr.write(`streamscope archive: --older-than: ${(err as Error).message}\n`);
    return 2;
  }
  const dir = v.dir;
  let session: OpsSession;
  try {
    session = await openSession('archive', v);
  } catch (err) {
    process.stderr.write(`streamscope archive: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    await writableDir(dir);
    const ctx = contextOf(session);
    const keys = await streamKeys(session, v.stream);
    const previews: ArchiveReport[] = [];
    for (const key of keys)
      previews.push(await archiveAndTrim(ctx, key, maxAgeDays, { dir, dryRun: true }));
    const total = previews.reduce((n, r) => n + r.entries, 0);
    const bytes = previews.reduce((n, r) => n + r.bytes, 0);
    return await runMutation({
      command: 'archive',
      flags: v,
      refusal: v['read-only'] ? 'read-only: archive trims the stream (--read-only)' : null,
      preview: {
        summary: `archive and trim ${entries(total)} older than ${v['older-than'] ?? '30d'} from ${keys.length === 1 ? keys[0] : `${keys.length} streams`} into ${dir}`,
        details: previews.map(
          (r) => `${r.streamKey}: ${entries(r.entries)} below ${r.minId}${held(r)}`,
        ),
        count: total,
        undoable: false,
        undoNote: `the archive keeps them: streamscope restore ${dir}/<stream>/<day>.ndjson.gz --original`,
        data: { bytes, streams: previews },
      },
      apply: async (progress, signal) => {
        let done = 0;
        const lines: string[] = [];
        for (const key of keys) {
          if (signal.aborted) break;
          let r: ArchiveReport;
          try {
            r = await archiveAndTrim(ctx, key, maxAgeDays, { dir });
          } catch (err) {
            const message = session.describe(err);
            await session.journal({
              verb: 'archive',
              stream: key,
              count: 0,
              before: { dir, maxAgeDays },
              outcome: { ok: false, cancelled: false, done: 0, vanished: 0, summary: message },
            });
            throw new StreamscopeError(errorCodeOf(err), `${key}: ${message}`, { cause: err });
          }
          done += r.entries;
          progress({ done, total });
          const written = r.days.reduce((n, d) => n + d.written, 0);
          const line = `${key}: archived ${entries(r.entries)} (${written} new in ${r.days.length} day file${r.days.length === 1 ? '' : 's'}), trimmed ${r.removed}${held(r)}`;
          lines.push(line);
          await session.journal({
            verb: 'archive',
            stream: key,
            count: r.entries,
            before: { dir, maxAgeDays, minId: r.minId, files: r.days.map((d) => d.path) },
            outcome: { ok: true, cancelled: false, done: r.removed, vanished: 0, summary: line },
          });
        }
        return {
          ok: true,
          cancelled: signal.aborted,
          summary: lines.join('\n') || 'nothing archived',
        };
      },
    });
  } catch (err) {
    process.stderr.write(`streamscope archive: ${session.describe(err)}\n`);
    return 1;
  } finally {
    session.close();
  }
}
