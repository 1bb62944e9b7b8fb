/**
 * `streamscope restore <files…> (--to-prefix <p> | --original)`: re-import archive day files
 * byte for byte — original IDs where the target allows them, else new IDs with restored_from —
 * through the shared mutation path. Every file is read and checked before anything is written,
 * so a corrupt file is refused with one line and nothing restored.
 */
import { StreamscopeError, errorCodeOf } from '../core/errors.js';
import { streamKeyOfFile } from '../streams/archive-files.js';
import { lastGeneratedId, restoreFile, scanArchiveFile } from '../streams/restore.js';
import { compareStreamIds } from '../core/stream-id.js';
import { clusterUsage, tlsUsage } from './connection-options.js';
import { mutationUsage, runMutation } from './mutation-cli.js';
import { entries, openSession, parseOps, type OpsSession } from './stream-ops.js';

const HELP = `Usage: streamscope restore <file.ndjson.gz>… (--to-prefix <prefix> | --original)
         [--dry-run] [--yes]

Re-imports archived entries (streamscope archive) byte for byte. An entry keeps its original
ID when the target stream allows it (its ID is above the stream's last ID, e.g. a new sandbox);
otherwise it gets a new ID and a restored_from=<original ID> field. Entries already restored
(same ID, same fields) are skipped.
  --to-prefix <p>      restore <prefix><type> into <p><type> (not the live prefix)
  --original           restore into the stream the file was archived from
${mutationUsage(23)}  --url <redis-url>    server (default: REDIS_URL, else redis://127.0.0.1:6379)
${tlsUsage(23)}${clusterUsage(23)}  --prefix <prefix>    live key prefix the archive was made under (default: alice:events:)
  -h, --help           this help
`;

interface RestoreValues {
  'to-prefix'?: string;
  original?: boolean;
}

interface FilePlan {
  file: string;
  targetKey: string;
  count: number;
  bytes: number;
  /** Entries that can keep their original ID (the target's last ID is below them). */
  keepIds: boolean;
}

function targetKeyOf(session: OpsSession, file: string, v: RestoreValues): string {
  const key = streamKeyOfFile(file);
  if (v.original) return key;
  const live = session.keys.prefix;
  if (!key.startsWith(live))
    throw new StreamscopeError(
      'INVALID_ARGUMENT',
      `${file} is an archive of ${key}, not under the prefix "${live}": pass the --prefix it was archived under`,
    );
  return `${v['to-prefix']}${key.slice(live.length)}`;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOps<RestoreValues>(
    'restore',
    HELP,
    argv,
    { 'to-prefix': { type: 'string' }, original: { type: 'boolean' } },
    true,
  );
  if (!parsed) return 2;
  const v = parsed.values;
  const files = parsed.positionals;
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const fail = (m: string, code = 2) => {
    process.stderr.write(`streamscope restore: ${m}\n`);
    return code;
  };
  if (files.length === 0) return fail('name at least one .ndjson.gz file');
  if ((v['to-prefix'] !== undefined) === Boolean(v.original))
    return fail('choose exactly one target: --to-prefix <p> or --original');
  let session: OpsSession;
  try {
    session = await openSession('restore', v);
  } catch (err) {
    return fail((err as Error).message, 1);
  }
  try {
    if (v['to-prefix'] !== undefined && v['to-prefix'] === session.keys.prefix)
      throw new StreamscopeError(
        'INVALID_ARGUMENT',
        `--to-prefix "${v['to-prefix']}" is the live prefix: use --original to restore into the live streams`,
      );
    const plans: FilePlan[] = [];
    for (const file of files) {
      const scan = await scanArchiveFile(file);
      const targetKey = targetKeyOf(session, file, v);
      const last = await lastGeneratedId(session.client, targetKey);
      const keepIds = scan.firstId !== null && compareStreamIds(scan.firstId, last) > 0;
      plans.push({ file, targetKey, count: scan.count, bytes: scan.bytes, keepIds });
    }
    const total = plans.reduce((n, p) => n + p.count, 0);
    return await runMutation({
      command: 'restore',
      flags: v,
      refusal: v['read-only'] ? 'read-only: restore writes entries (--read-only)' : null,
      preview: {
        summary: `restore ${entries(total)} from ${plans.length} file${plans.length === 1 ? '' : 's'}`,
        details: plans.map(
          (p) =>
            `${p.file} → ${p.targetKey}: ${entries(p.count)}, ${p.keepIds ? 'original IDs' : 'new IDs + restored_from (the stream already has later IDs)'}`,
        ),
        count: total,
        undoable: false,
        undoNote: 'restored entries stay; delete the sandbox keys to remove them',
        data: { files: plans },
      },
      apply: async (progress, signal) => {
        let done = 0;
        const lines: string[] = [];
        for (const p of plans) {
          if (signal.aborted) break;
          const base = done;
          const r = await restoreFile(session.client, p.file, p.targetKey, {
            signal,
            onProgress: (n) => progress({ done: base + n, total }),
          }).catch((err: unknown) => {
            throw new StreamscopeError(errorCodeOf(err), `${p.file}: ${session.describe(err)}`, {
              cause: err,
            });
          });
          done += p.count;
          const line = `${p.targetKey}: restored ${entries(r.originalIds + r.newIds)} (${r.originalIds} with the original ID, ${r.newIds} with a new ID)${r.alreadyPresent ? `, ${r.alreadyPresent} already there` : ''}`;
          lines.push(line);
          await session.journal({
            verb: 'restore',
            stream: p.targetKey,
            count: p.count,
            before: { file: p.file },
            outcome: {
              ok: true,
              cancelled: false,
              done: r.originalIds + r.newIds,
              vanished: 0,
              summary: line,
            },
          });
        }
        return { ok: true, cancelled: signal.aborted, summary: lines.join('\n') };
      },
    });
  } catch (err) {
    return fail(session.describe(err), 1);
  } finally {
    session.close();
  }
}
