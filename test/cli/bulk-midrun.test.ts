/**
 * Issue 9's "nothing half-done without saying how much was done", through the CLI: a group
 * deleted, or the ACL permission revoked, between two XACK batches of `streamscope ack --yes`.
 * The CLI builds its own connection, so the test hooks XACK on the client class to act after the
 * first batch (the calls still go to a real redis-server; only the timing is arranged).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createKeySpace } from '../../src/core/keys.js';
import { startRedisServer } from '../../src/local-redis/private-redis.js';
import { rawClient, redisUrl, uniquePrefix } from '../helpers/context.js';
import { arrangeHeld, pendingOf } from '../monitor/bulk-helpers.js';

const r = rawClient();
const dir = mkdtempSync(join(tmpdir(), 'bulk-midrun-'));
afterAll(() => {
  r.disconnect();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** After the first XACK call of any client answers, run `between` once (awaited). */
function afterFirstXack(between: () => Promise<unknown>): void {
  const original = Redis.prototype.xack;
  let fired = false;
  vi.spyOn(Redis.prototype, 'xack').mockImplementation(async function (
    this: Redis,
    ...args: unknown[]
  ) {
    const reply = await (original as (...a: unknown[]) => Promise<number>).apply(this, args);
    if (!fired) {
      fired = true;
      await between();
    }
    return reply;
  } as typeof original);
}

const journalOf = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('streamscope ack stopped part-way', () => {
  it('a group deleted mid-bulk: exit 1, one line saying how much was done, journal says so', async () => {
    const prefix = uniquePrefix('climid');
    const { stream } = await arrangeHeld(r, createKeySpace(prefix), 2500);
    const journal = join(dir, 'nogroup.ndjson');
    afterFirstXack(() => r.xgroup('DESTROY', stream, 'g'));
    const res = await cli([
      'ack',
      '--stream',
      't',
      '--group',
      'g',
      '--all',
      '--yes',
      '--url',
      redisUrl(),
      '--prefix',
      prefix,
      '--journal',
      journal,
    ]);
    expect(res.code).toBe(1);
    const lines = res.out.trim().split('\n');
    expect(lines[0]).toBe(`ack 2,500 entries of ${stream} in group g (rule: all)`);
    // The outcome is the last line, and it is one line.
    expect(lines.at(-1)).toMatch(
      /^acknowledged 1000 of 2500 in g; stopped: .*NOGROUP.* — 1500 not attempted \(journal \S+\)$/,
    );
    const [rec] = journalOf(journal);
    expect(rec.outcome).toMatchObject({ ok: false, done: 1000, errorCode: 'NOGROUP' });
  });

  it('NOPERM mid-bulk: exit 1, what was done stays done, the line says how much, no password', async () => {
    const server = await startRedisServer({ config: ['user u on >s3cret ~* &* +@all'] });
    const admin = new Redis(server.url);
    try {
      const prefix = uniquePrefix('clinoperm');
      const { stream } = await arrangeHeld(admin, createKeySpace(prefix), 2500);
      const journal = join(dir, 'noperm.ndjson');
      afterFirstXack(() => admin.call('ACL', 'SETUSER', 'u', '-xack'));
      const res = await cli([
        'ack',
        '--stream',
        't',
        '--group',
        'g',
        '--all',
        '--yes',
        '--url',
        `redis://u:s3cret@127.0.0.1:${server.port}`,
        '--prefix',
        prefix,
        '--journal',
        journal,
      ]);
      expect(res.code).toBe(1);
      expect(res.out.trim().split('\n').at(-1)).toMatch(
        /^acknowledged 1000 of 2500 in g; stopped: .*NOPERM.*'xack'.*\+xack.* — 1500 not attempted \(journal \S+\)$/,
      );
      expect(res.out + res.err).not.toContain('s3cret');
      expect((await pendingOf(admin, stream)).count).toBe(1500);
      const text = readFileSync(journal, 'utf8');
      expect(text).not.toContain('s3cret');
      expect(JSON.parse(text.trim()).outcome).toMatchObject({
        ok: false,
        done: 1000,
        errorCode: 'NOPERM',
      });
    } finally {
      admin.disconnect();
      await server.stop();
    }
  });
});
