import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { rawClient, redisUrl, uniquePrefix } from '../helpers/context.js';
import { cliArgs, runCli } from '../helpers/cli.js';

const DAY = 86_400_000;
const cli = runCli;

async function seed(redis: Redis, prefix: string, type: string, n: number, ageDays = 0) {
  const [s] = await redis.time();
  const start = Number(s) * 1000 - ageDays * DAY - n;
  const p = redis.pipeline();
  for (let i = 0; i < n; i++) {
    const id = `${start + i}-0`;
    p.xadd(`${prefix}${type}`, id, 'event', `{"i": ${i}, "x": 1.0}`);
    p.xadd(`${prefix}all`, id, 'event', `{"i": ${i}, "x": 1.0}`, 'type', type);
  }
  await p.exec();
}

const oneLine = (text: string) => text.trim().split('\n');

describe('streamscope replay / archive / restore (real processes, no terminal)', () => {
  it('replay: preview, --dry-run changes nothing, no --yes without a terminal exits 2, --yes applies and journals', async () => {
    const redis = rawClient();
    const prefix = uniquePrefix('cli');
    const sandbox = uniquePrefix('sb');
    await seed(redis, prefix, 'asset.discovered', 250);
    const journal = join(mkdtempSync(join(tmpdir(), 'ss-journal-')), 'journal.ndjson');
    const base = cliArgs('replay', prefix, '--stream', 'asset.discovered');
    const range = ['--from', '-', '--to', '+', '--to-prefix', sandbox, '--journal', journal];
    const dry = cli([...base, ...range, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(
      new RegExp(
        `^replay 250 entries of ${prefix}asset.discovered to ${sandbox}asset.discovered \\+ ${sandbox}all at max`,
      ),
    );
    expect(dry.err).toMatch(/dry run: nothing was changed/);
    const refused = cli([...base, ...range]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/no terminal to ask; pass --yes/);
    expect(await redis.exists(`${sandbox}asset.discovered`)).toBe(0);
    const applied = cli([...base, ...range, '--yes']);
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(/replayed 250 entries of 250 to /);
    expect(await redis.xlen(`${sandbox}asset.discovered`)).toBe(250);
    expect(await redis.xlen(`${sandbox}all`)).toBe(250);
    const lines = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      verb: 'replay',
      stream: `${prefix}asset.discovered`,
      count: 250,
      outcome: { ok: true, done: 250 },
    });
    redis.disconnect();
  }, 120_000);

  it('archive → restore through the CLI: files, exact trim, byte-identical restore into a sandbox', async () => {
    const redis = rawClient();
    const prefix = uniquePrefix('cli');
    const sandbox = uniquePrefix('sb');
    await seed(redis, prefix, 'old', 400, 40);
    const dir = mkdtempSync(join(tmpdir(), 'ss-archive-'));
    const journal = join(dir, 'journal.ndjson');
    const arch = cli([
      'archive',
      '--url',
      redisUrl(),
      '--prefix',
      prefix,
      '--stream',
      'old',
      '--older-than',
      '30d',
      '--dir',
      dir,
      '--yes',
      '--journal',
      journal,
    ]);
    expect(arch.err).toBe('');
    expect(arch.code).toBe(0);
    expect(arch.out).toMatch(/^archive and trim 400 entries older than 30d/);
    expect(arch.out).toMatch(/archived 400 entries \(400 new in 1 day file\), trimmed 400/);
    expect(await redis.exists(`${prefix}old`)).toBe(1);
    expect(await redis.xlen(`${prefix}old`)).toBe(0);
    const day = new Date(
      Number((await redis.xrange(`${prefix}all`, '-', '+', 'COUNT', 1))[0][0].split('-')[0]),
    )
      .toISOString()
      .slice(0, 10);
    const file = join(dir, `${prefix}old`, `${day}.ndjson.gz`);
    const rest = cli([
      'restore',
      file,
      '--url',
      redisUrl(),
      '--prefix',
      prefix,
      '--to-prefix',
      sandbox,
      '--yes',
      '--journal',
      journal,
    ]);
    expect(rest.err).toBe('');
    expect(rest.code).toBe(0);
    expect(rest.out).toMatch(/original IDs/);
    expect(rest.out).toMatch(/restored 400 entries \(400 with the original ID, 0 with a new ID\)/);
    const a = await redis.xrange(`${prefix}all`, '-', '+');
    const b = await redis.xrange(`${sandbox}old`, '-', '+');
    expect(b.map(([id, f]) => [id, f[1]])).toEqual(a.map(([id, f]) => [id, f[1]]));
    expect(
      readFileSync(journal, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).verb),
    ).toEqual(['archive', 'restore']);
    redis.disconnect();
  }, 120_000);

  it('bad input is one line: from > to, unknown stream, live prefix as sandbox, unwritable --dir, corrupt file', async () => {
    const redis = rawClient();
    const prefix = uniquePrefix('cli');
    await seed(redis, prefix, 't', 5);
    const url = ['--url', redisUrl(), '--prefix', prefix];
    const cases: [string[], RegExp][] = [
      [
        [
          'replay',
          ...url,
          '--stream',
          't',
          '--from',
          '2026-11-28',
          '--to',
          '2026-11-27',
          '--to-prefix',
          'x:',
        ],
        /^streamscope replay: --from 2026-11-28 is after --to 2026-11-27: the range is empty$/,
      ],
      [
        ['replay', ...url, '--stream', 'nope', '--from', '-', '--to', '+', '--to-prefix', 'x:'],
        new RegExp(`^streamscope replay: unknown stream "nope": no key ${prefix}nope`),
      ],
      [
        ['replay', ...url, '--stream', 't', '--from', '-', '--to', '+', '--to-prefix', prefix],
        /^streamscope replay: the sandbox prefix ".*" is the live prefix: choose another one$/,
      ],
    ];
    const notDir = join(mkdtempSync(join(tmpdir(), 'ss-archive-')), 'file');
    writeFileSync(notDir, 'x');
    cases.push([
      ['archive', ...url, '--stream', 't', '--dir', join(notDir, 'sub'), '--yes'],
      /^streamscope archive: cannot write to --dir .*sub: ENOTDIR$/,
    ]);
    // procfs: a parent that exists, mkdir says ENOENT — Node's recursive mkdir never settled here.
    if (process.platform === 'linux')
      cases.push([
        ['archive', ...url, '--stream', 't', '--dir', '/proc/streamscope-nope/a', '--yes'],
        /^streamscope archive: cannot write to --dir \/proc\/streamscope-nope\/a: ENOENT$/,
      ]);
    // An unknown time is one line naming the flag (the monitor's :goto reads the same texts).
    cases.push([
      ['replay', ...url, '--stream', 't', '--from', 'yesterday', '--to', '+', '--to-prefix', 'x:'],
      /^streamscope replay: --from: cannot read "yesterday" \(use .*\)$/,
    ]);
    const corrupt = join(mkdtempSync(join(tmpdir(), 'ss-archive-')), `2026-01-01.ndjson.gz`);
    writeFileSync(corrupt, 'not gzip');
    cases.push([
      ['restore', corrupt, ...url, '--to-prefix', 'x:', '--yes'],
      /^streamscope restore: .*corrupt archive file .*2026-01-01\.ndjson\.gz: incorrect header check$/,
    ]);
    for (const [args, expected] of cases) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(oneLine(r.err)).toHaveLength(1);
      expect(r.err.trim()).toMatch(expected);
    }
    expect(await redis.xlen(`${prefix}t`)).toBe(5);
    redis.disconnect();
  }, 180_000);
});
