import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createKeySpace } from '../../src/core/keys.js';
import type { ArchiveReport } from '../../src/streams/archive.js';
import { listDayFiles, readArchiveFile } from '../../src/streams/archive-files.js';
import { restoreFile } from '../../src/streams/restore.js';
import { planReplay } from '../../src/streams/replay-plan.js';
import { runReplay } from '../../src/streams/replay.js';
import { rawClient, redisUrl, uniquePrefix } from '../helpers/context.js';
import { connectedPersistence } from './helpers.js';

const DAY = 86_400_000;
const root = fileURLToPath(new URL('../..', import.meta.url));
type BufEntry = [Buffer, Buffer[]];

async function serverNow(redis: Redis): Promise<number> {
  const [s] = await redis.time();
  return Number(s) * 1000;
}

/**
 * `n` entries starting `ageDays` ago, `stepMs` apart (explicit IDs), each with an `event` field;
 * every 50th also a binary `bin` value (invalid UTF-8), and the entries in `big` a 1 MB value.
 */
async function seedOld(
  redis: Redis,
  key: string,
  n: number,
  options: { ageDays: number; stepMs: number; big?: number[] },
): Promise<BufEntry[]> {
  const start = (await serverNow(redis)) - options.ageDays * DAY;
  const big = new Set(options.big ?? []);
  const out: BufEntry[] = [];
  for (let i = 0; i < n; i += 2000) {
    const p = redis.pipeline();
    for (let j = i; j < Math.min(n, i + 2000); j++) {
      const id = `${start + j * options.stepMs}-${j % 3}`;
      const fields = [Buffer.from('event'), Buffer.from(`{"n": ${j}, "score": 1.0, "é": "ü"}`)];
      if (j % 50 === 0)
        fields.push(Buffer.from('bin'), Buffer.from([0xff, 0xfe, 0x00, 0xc3, j & 255]));
      if (big.has(j)) fields.push(Buffer.from('payload'), randomBytes(1024 * 1024));
      p.xadd(key, id, ...fields);
      out.push([Buffer.from(id), fields]);
    }
    await p.exec();
  }
  return out;
}

const equalEntries = (a: BufEntry[], b: BufEntry[]) =>
  a.length === b.length &&
  a.every(
    ([id, f], i) =>
      id.equals(b[i][0]) && f.length === b[i][1].length && f.every((x, k) => x.equals(b[i][1][k])),
  );

describe('archive before trim (streams/archive.ts) and restore', () => {
  it(
    '100,000 entries with binary values and 1 MB entries: archive → trim → restore is byte-identical',
    { timeout: 240_000 },
    async () => {
      const { p, prefix } = await connectedPersistence({ checkPermissions: false });
      const redis = rawClient();
      const key = `${prefix}big`;
      // 100,000 entries 2.5 s apart: ~2.9 days of history, 40 days ago.
      const seeded = await seedOld(redis, key, 100_000, {
        ageDays: 40,
        stepMs: 2500,
        big: [10, 50_000, 99_990],
      });
      await redis.xadd(key, '*', 'event', '{"recent": true}');
      const dir = mkdtempSync(join(tmpdir(), 'ss-archive-'));
      let report: ArchiveReport | null = null;
      const removed = await p.trimOldEvents('big', {
        archive: dir,
        onArchive: (r) => (report = r),
      });
      expect(removed).toBe(100_000);
      expect(await redis.xlen(key)).toBe(1);
      const r = report as unknown as ArchiveReport;
      expect(r.entries).toBe(100_000);
      expect(r.days.length).toBeGreaterThanOrEqual(3);
      expect(r.days.reduce((n, d) => n + d.written, 0)).toBe(100_000);
      const files = await listDayFiles(dir, key);
      expect(files.map((f) => f.split('/').pop())).toEqual(r.days.map((d) => `${d.day}.ndjson.gz`));
      // Restore every day file into a sandbox: original IDs (a new stream), same bytes.
      const sandbox = uniquePrefix('restored');
      let originalIds = 0;
      for (const f of files)
        originalIds += (await restoreFile(redis, f, `${sandbox}big`)).originalIds;
      expect(originalIds).toBe(100_000);
      const restored = (await redis.xrangeBuffer(`${sandbox}big`, '-', '+')) as BufEntry[];
      expect(equalEntries(restored, seeded)).toBe(true);
      // Restoring again duplicates nothing.
      const again = await restoreFile(redis, files[0], `${sandbox}big`);
      expect(again.alreadyPresent).toBeGreaterThan(0);
      expect(again.originalIds + again.newIds).toBe(0);
      expect(await redis.xlen(`${sandbox}big`)).toBe(100_000);
      redis.disconnect();
    },
  );

  it('restore into the original stream: new IDs and restored_from (Redis refuses old IDs there)', async () => {
    const { p, prefix } = await connectedPersistence({ checkPermissions: false });
    const redis = rawClient();
    const key = `${prefix}orig`;
    const seeded = await seedOld(redis, key, 120, { ageDays: 35, stepMs: 1000 });
    await redis.xadd(key, '*', 'event', '{"recent": true}');
    const dir = mkdtempSync(join(tmpdir(), 'ss-archive-'));
    expect(await p.trimOldEvents('orig', { maxAgeDays: 30, archive: dir })).toBe(120);
    const [file] = await listDayFiles(dir, key);
    const res = await restoreFile(redis, file, key);
    expect(res).toMatchObject({ originalIds: 0, newIds: 120 });
    const back = (await redis.xrangeBuffer(key, '-', '+')) as BufEntry[];
    expect(back).toHaveLength(121);
    back.slice(1).forEach(([, f], i) => {
      expect(f.slice(0, -2).every((x, k) => x.equals(seeded[i][1][k]))).toBe(true);
      expect(f.at(-2)!.toString()).toBe('restored_from');
      expect(f.at(-1)!.equals(seeded[i][0])).toBe(true);
    });
    redis.disconnect();
  });

  it(
    'kill -9 between the archive write and the trim: the re-run loses nothing and duplicates nothing',
    { timeout: 60_000 },
    async () => {
      const { p, prefix } = await connectedPersistence({ checkPermissions: false });
      const redis = rawClient();
      const key = `${prefix}crash`;
      const seeded = await seedOld(redis, key, 5000, { ageDays: 33, stepMs: 30_000 });
      const dir = mkdtempSync(join(tmpdir(), 'ss-archive-'));
      const child = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'test/streams/fixtures/archive-then-crash.ts',
          redisUrl(),
          prefix,
          'crash',
          dir,
        ],
        { cwd: root, encoding: 'utf8', timeout: 45_000 },
      );
      expect(child.signal).toBe('SIGKILL');
      expect(await redis.xlen(key)).toBe(5000); // nothing trimmed
      const files = await listDayFiles(dir, key);
      expect(files.length).toBeGreaterThanOrEqual(2);
      expect(readdirSync(join(dir, key)).filter((n) => n.includes('.tmp'))).toEqual([]);
      // The re-run: every entry is already in the files (skipped, not written twice), then trimmed.
      let report: ArchiveReport | null = null;
      expect(
        await p.trimOldEvents('crash', {
          maxAgeDays: 30,
          archive: dir,
          onArchive: (r) => (report = r),
        }),
      ).toBe(5000);
      const r = report as unknown as ArchiveReport;
      expect(r.days.reduce((n, d) => n + d.written, 0)).toBe(0);
      expect(r.days.reduce((n, d) => n + d.alreadyArchived, 0)).toBe(5000);
      const inFiles: BufEntry[] = [];
      for (const f of files)
        for await (const e of readArchiveFile(f)) inFiles.push([Buffer.from(e.id), e.fields]);
      expect(equalEntries(inFiles, seeded)).toBe(true);
      expect(await redis.xlen(key)).toBe(0);
      redis.disconnect();
    },
  );

  it('never past an entry a group has not read or acknowledged; a failed write trims nothing', async () => {
    const { p, prefix } = await connectedPersistence({ checkPermissions: false });
    const redis = rawClient();
    const key = `${prefix}held`;
    const seeded = await seedOld(redis, key, 300, { ageDays: 40, stepMs: 1000 });
    // The group has read the first 100 and acknowledged the first 50: entry 50 is unfinished.
    await redis.xgroup('CREATE', key, 'g', '0');
    const read = (await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', 100, 'STREAMS', key, '>')) as [
      string,
      [string, string[]][],
    ][];
    await redis.xack(key, 'g', ...read[0][1].slice(0, 50).map(([id]) => id));
    // A --dir under a regular file cannot be created: error, nothing trimmed.
    const file = join(mkdtempSync(join(tmpdir(), 'ss-archive-')), 'not-a-dir');
    writeFileSync(file, 'x');
    await expect(p.trimOldEvents('held', { archive: join(file, 'sub') })).rejects.toThrow(
      /^cannot write the archive under .*nothing trimmed/,
    );
    expect(await redis.xlen(key)).toBe(300);
    // procfs (a parent that exists, mkdir says ENOENT): an error, not a hang; nothing trimmed.
    if (process.platform === 'linux') {
      await expect(
        p.trimOldEvents('held', { archive: '/proc/streamscope-nope/a' }),
      ).rejects.toThrow(/^cannot write the archive under .*ENOENT.*nothing trimmed/);
      expect(await redis.xlen(key)).toBe(300);
    }
    const dir = mkdtempSync(join(tmpdir(), 'ss-archive-'));
    let report: ArchiveReport | null = null;
    expect(await p.trimOldEvents('held', { archive: dir, onArchive: (r) => (report = r) })).toBe(
      50,
    );
    const r = report as unknown as ArchiveReport;
    expect(r.keptBack).toBe(250);
    expect(r.heldBy.map((g) => g.group)).toEqual(['g']);
    expect(r.minId).toBe(seeded[50][0].toString());
    redis.disconnect();
  });

  it('a corrupt or truncated .ndjson.gz is one line naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-archive-'));
    const truncated = join(dir, 'truncated.ndjson.gz');
    writeFileSync(
      truncated,
      gzipSync('{"id":"1-0","fields":["a","b"]}\n'.repeat(1000)).subarray(0, 60),
    );
    const badLine = join(dir, 'badline.ndjson.gz');
    writeFileSync(badLine, gzipSync('{"id":"1-0","fields":["a","b"]}\n{"id":"oops"}\n'));
    const notGzip = join(dir, 'plain.ndjson.gz');
    writeFileSync(notGzip, 'hello');
    const drain = async (f: string) => {
      for await (const _ of readArchiveFile(f));
    };
    await expect(drain(truncated)).rejects.toThrow(
      /^corrupt archive file .*truncated\.ndjson\.gz: unexpected end of file$/,
    );
    await expect(drain(badLine)).rejects.toThrow(
      /^corrupt archive file .*badline\.ndjson\.gz: line 2: no valid "id"$/,
    );
    await expect(drain(notGzip)).rejects.toThrow(
      /^corrupt archive file .*plain\.ndjson\.gz: incorrect header check$/,
    );
  });

  it('replay --archive continues seamlessly into archived days before the stream’s first entry', async () => {
    const { p, prefix } = await connectedPersistence({ checkPermissions: false });
    const redis = rawClient();
    const key = `${prefix}hist`;
    const seeded = await seedOld(redis, key, 1000, { ageDays: 33, stepMs: 5000 });
    const dir = mkdtempSync(join(tmpdir(), 'ss-archive-'));
    // Archive (and trim) the older 600; the newer 400 stay in the stream.
    const cut = seeded[600][0].toString();
    await redis.xgroup('CREATE', key, 'g', seeded[599][0].toString());
    expect(await p.trimOldEvents('hist', { archive: dir })).toBe(600);
    const sandbox = uniquePrefix('sb');
    const live = createKeySpace(prefix);
    const plan = await planReplay(redis, live, {
      stream: 'hist',
      from: '0-0',
      to: '99999999999999-0',
      target: { kind: 'prefix', prefix: sandbox },
      archiveDir: dir,
    });
    const res = await runReplay(redis, live, plan);
    expect(res.replayed).toBe(1000);
    const copies = (await redis.xrangeBuffer(`${sandbox}hist`, '-', '+')) as BufEntry[];
    expect(copies.map(([, f]) => Buffer.concat(f).toString('base64'))).toEqual(
      seeded.map(([, f]) => Buffer.concat(f).toString('base64')),
    );
    expect((await redis.xrange(key, '-', '+', 'COUNT', 1))[0][0]).toBe(cut);
    redis.disconnect();
  });
});
