import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/status.js';
import { freePort, startRedisServer } from '../../src/local-redis/private-redis.js';
import { rawClient, redisUrl, uniquePrefix } from '../helpers/context.js';

const r = rawClient();
afterAll(() => r.disconnect());
afterEach(() => vi.restoreAllMocks());

/** Runs the command in-process and captures what it writes. */
async function status(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await run(args), out, err };
  } finally {
    vi.restoreAllMocks();
  }
}

async function arrange(prefix: string) {
  const a = `${prefix}asset.processed`;
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await r.xadd(a, '*', 'event', '{}')) as string);
  await r.xgroup('CREATE', a, 'alice-main', '0');
  await r.xgroup('CREATE', a, 'audit', '$');
  await r.xreadgroup('GROUP', 'alice-main', 'w1', 'COUNT', 2, 'STREAMS', a, '>');
  await r.xadd(`${prefix}all`, '*', 'event', '{}', 'type', 'asset.processed');
  await r.set(`${prefix}config`, 'not a stream');
  await r.xadd(`${uniquePrefix('unrelated')}all`, '*', 'f', '1');
  return { a, ids };
}

describe('streamscope status', () => {
  it('prints an aligned table of streams and groups, lag "?" when unknown', async () => {
    const prefix = uniquePrefix('status');
    const { a, ids } = await arrange(prefix);
    const lagless = `${prefix}lagless`;
    const l = [
      await r.xadd(lagless, '*', 'f', '1'),
      await r.xadd(lagless, '*', 'f', '2'),
      await r.xadd(lagless, '*', 'f', '3'),
    ] as string[];
    await r.xgroup('CREATE', lagless, 'g', '0');
    await r.xreadgroup('GROUP', 'g', 'c', 'COUNT', 1, 'STREAMS', lagless, '>');
    await r.xdel(lagless, l[1]); // a deletion after the group's position: Redis can no longer tell the lag

    const { code, out, err } = await status(['--url', redisUrl(), '--prefix', prefix]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe(`3 streams under "${prefix}" at ${redisUrl()}`);
    const table = lines.slice(2);
    expect(table[0]).toMatch(
      /^STREAM\s+LENGTH\s+GROUP\s+CONSUMERS\s+PENDING\s+OLDEST\s+STUCK\s+LAG\s+LAST DELIVERED$/,
    );
    const cells = table.slice(1, 5).map((line) => line.split(/\s{2,}/).map((c) => c.trim()));
    expect(cells.map((c) => c.filter((x) => !/^\d+(\.\d)?s$/.test(x)))).toEqual([
      [`${prefix}all`, '1', '-'],
      [a, '3', 'alice-main', '1', '2', '0', '1', ids[1]],
      ['', 'audit', '0', '0', '–', '0', '0', ids[2]],
      // Redis cannot tell the lag after the deletion: counted (1 entry after the position), marked ~
      [lagless, '2', 'g', '1', '1', '0', '~1', l[0]],
    ]);
    expect(out).toContain(
      `  lagless / g: lag unknown because entries were deleted (XDEL) after the group position (~1 counted)`,
    );
    // Aligned: every column starts at the same offset on each line.
    const groupCol = table[0].indexOf('GROUP');
    expect(table.slice(1, 5).every((line) => line.slice(groupCol - 2, groupCol) === '  ')).toBe(
      true,
    );
  });

  it('--json prints one document { streams: [...] } with the same numbers', async () => {
    const prefix = uniquePrefix('json');
    const { a, ids } = await arrange(prefix);
    const { code, out } = await status(['--json', '--url', redisUrl(), '--prefix', prefix]);
    expect(code).toBe(0);
    const doc = JSON.parse(out) as {
      streams: {
        key: string;
        length: number;
        groups: { name: string; pending: number; lag: number | null; lastDeliveredId: string }[];
      }[];
    };
    expect(Object.keys(doc)).toEqual(['streams', 'groups', 'dlqs', 'thresholds', 'failed']);
    expect(doc.streams.map((s) => s.key)).toEqual([`${prefix}all`, a]);
    expect(doc.streams[1].groups.map((g) => [g.name, g.pending, g.lag, g.lastDeliveredId])).toEqual(
      [
        ['alice-main', 2, 1, ids[1]],
        ['audit', 0, 0, ids[2]],
      ],
    );
  });

  it('says so when there are no streams, and never shows the password', async () => {
    const server = await startRedisServer({ config: ['requirepass s3cret-pw'] });
    try {
      const url = `redis://:s3cret-pw@127.0.0.1:${server.port}`;
      const ok = await status(['--url', url, '--prefix', 'nothing:here:']);
      expect(ok.code).toBe(0);
      expect(ok.out).toBe(
        `no streams under "nothing:here:" at redis://:***@127.0.0.1:${server.port}\n`,
      );
      const bad = await status(['--url', `redis://:wrong-pw@127.0.0.1:${server.port}`]);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/^streamscope status: authentication failed/);
      expect(bad.err).not.toMatch(/wrong-pw|s3cret/);
    } finally {
      await server.stop();
    }
  });

  it('against a stopped server: one line on stderr, exit 1, no stack trace (real process)', async () => {
    const port = await freePort();
    const result = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'status',
        '--url',
        `redis://u:hunter2@127.0.0.1:${port}`,
      ],
      { cwd: process.cwd() },
    ).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `streamscope status: cannot connect to redis://u:***@127.0.0.1:${port}: connection refused. Is redis-server running there? Check --url / REDIS_URL.\n`,
    );
  });

  it('rejects unknown options with one line pointing at --help, exit 2', async () => {
    const { code, err } = await status(['--bogus']);
    expect(code).toBe(2);
    expect(err).toBe(
      'streamscope status: unknown option "--bogus" (see streamscope status --help)\n',
    );
  });
});
