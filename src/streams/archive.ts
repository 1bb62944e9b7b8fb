/**
 * Archive before trim: the entries a time trim would remove are first written to day files
 * (archive-files.ts), made durable, re-read and counted; only then does an exact
 * `XTRIM <key> MINID <id after the last archived entry>` remove them. The cut-off is the trim's
 * (server clock, maxAgeDays, never past an entry a group has not read or acknowledged — see
 * retention.ts), so archiving never removes more than trimOldEvents would. Any failure before the
 * XTRIM trims nothing; a re-run after a crash skips what the files already hold.
 */
import { compareStreamIds, nextStreamId } from '../core/stream-id.js';
import { dayOfStreamId } from '../core/replay-range.js';
import { StreamscopeError } from '../core/errors.js';
import { toError, type PersistenceContext } from './context.js';
import { serverTimeMs, unfinishedFloor } from './retention.js';
import { countRange, readRange } from './range-reader.js';
import { countInFile, dayFilePath, DayFileAppender } from './archive-files.js';

const DAY_MS = 86_400_000;

export interface ArchiveOptions {
  /** Root folder of the archive. */
  dir: string;
  /** Count only: write nothing, trim nothing. */
  dryRun?: boolean;
  /** Called after every file is written and verified, just before the XTRIM (tests inject crashes here). */
  beforeTrim?: (report: ArchiveReport) => void | Promise<void>;
}

/** One day file of an archive run. */
export interface ArchiveDay {
  day: string;
  path: string;
  /** Entries of this run in the day: newly written, and already in the file from an earlier run. */
  written: number;
  alreadyArchived: number;
}

/** What trimOldEvents with `archive` wrote, verified and removed. */
export interface ArchiveReport {
  streamKey: string;
  serverTimeMs: number;
  /** Entries with IDs below this are older than maxAgeDays. */
  cutoffId: string;
  /** Entries below this ID are archived and trimmed (the cut-off, or lower to keep unfinished work). */
  minId: string;
  /** Entries found below minId (all archived, then trimmed) and their bytes (field names + values). */
  entries: number;
  bytes: number;
  days: ArchiveDay[];
  /** Entries removed by the XTRIM (0 on a dry run). */
  removed: number;
  /** Old entries kept because a group has not read or acknowledged them. */
  keptBack: number;
  heldBy: { group: string; oldestUnfinishedId: string }[];
  dryRun: boolean;
}

function lower(a: string, b: string): string {
  return compareStreamIds(a, b) <= 0 ? a : b;
}

/** Where the trim would cut, and who holds it back. */
async function cutOff(ctx: PersistenceContext, streamKey: string, maxAgeDays: number) {
  if (!Number.isFinite(maxAgeDays) || maxAgeDays < 0)
    throw new RangeError(`maxAgeDays must be a number ≥ 0, got ${maxAgeDays}`);
  const now = await serverTimeMs(ctx);
  const cutoffId = `${Math.max(0, Math.floor(now - maxAgeDays * DAY_MS))}-0`;
  const unfinished = await unfinishedFloor(ctx, streamKey);
  const heldBy = unfinished.groups.filter(
    (g) => compareStreamIds(g.oldestUnfinishedId, cutoffId) < 0,
  );
  const minId = unfinished.floor === null ? cutoffId : lower(unfinished.floor, cutoffId);
  return { now, cutoffId, minId, heldBy };
}

export async function archiveAndTrim(
  ctx: PersistenceContext,
  streamKey: string,
  maxAgeDays: number,
  options: ArchiveOptions,
): Promise<ArchiveReport> {
  try {
    const { now, cutoffId, minId, heldBy } = await cutOff(ctx, streamKey, maxAgeDays);
    const report: ArchiveReport = {
      streamKey,
      serverTimeMs: now,
      cutoffId,
      minId,
      entries: 0,
      bytes: 0,
      days: [],
      removed: 0,
      keptBack: 0,
      heldBy,
      dryRun: options.dryRun ?? false,
    };
    if (compareStreamIds(minId, cutoffId) < 0)
      report.keptBack = (await countRange(ctx.client, streamKey, minId, `(${cutoffId}`)).count;
    if (report.dryRun) {
      const c = await countRange(ctx.client, streamKey, '-', `(${minId}`);
      report.entries = c.count;
      report.bytes = c.bytes;
      return report;
    }
    const spans = await writeDays(ctx, streamKey, minId, options.dir, report);
    if (report.entries === 0) return report;
    // Re-read every file touched and count this run's entries in it before anything is removed.
    for (const [i, d] of report.days.entries()) {
      const n = await countInFile(d.path, spans[i].first, spans[i].last);
      if (n !== d.written + d.alreadyArchived)
        throw new StreamscopeError(
          'ARCHIVE',
          `archive check failed for ${d.path}: ${n} of ${d.written + d.alreadyArchived} entries found; nothing trimmed`,
        );
    }
    await options.beforeTrim?.(report);
    const lastArchived = spans[spans.length - 1].last;
    report.removed = Number(
      await ctx.client.call('XTRIM', streamKey, 'MINID', nextStreamId(lastArchived)),
    );
    return report;
  } catch (err) {
    if (err instanceof StreamscopeError || err instanceof RangeError) throw err;
    if ((err as NodeJS.ErrnoException).code)
      throw new StreamscopeError(
        'ARCHIVE',
        `cannot write the archive under ${options.dir}: ${(err as Error).message}; nothing trimmed`,
      );
    throw toError(ctx, err);
  }
}

/** Write entries below minId to their day files; returns each day's first and last ID. */
async function writeDays(
  ctx: PersistenceContext,
  streamKey: string,
  minId: string,
  dir: string,
  report: ArchiveReport,
): Promise<{ first: string; last: string }[]> {
  const spans: { first: string; last: string }[] = [];
  let current: DayFileAppender | null = null;
  let day: ArchiveDay | null = null;
  try {
    for await (const e of readRange(ctx.client, streamKey, '-', `(${minId}`)) {
      const d = dayOfStreamId(e.id);
      if (!day || d !== day.day) {
        if (current) await finish(current, day!);
        day = { day: d, path: dayFilePath(dir, streamKey, d), written: 0, alreadyArchived: 0 };
        current = await DayFileAppender.open(day.path);
        report.days.push(day);
        spans.push({ first: e.id, last: e.id });
      }
      await current!.write(e.id, e.fields);
      spans[spans.length - 1].last = e.id;
      report.entries++;
      for (const f of e.fields) report.bytes += f.length;
    }
    if (current) await finish(current, day!);
    current = null;
    return spans;
  } catch (err) {
    await current?.abort();
    throw err;
  }
}

async function finish(appender: DayFileAppender, day: ArchiveDay): Promise<void> {
  await appender.commit();
  day.written = appender.written;
  day.alreadyArchived = appender.skipped;
}
