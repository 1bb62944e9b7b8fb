import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createKeySpace } from '../../src/core/keys.js';
import { parseRange } from '../../src/core/replay-range.js';
import { planReplay, previewReplay } from '../../src/streams/replay-plan.js';
import { runReplay } from '../../src/streams/replay.js';
import { ReplayControl } from '../../src/streams/replay-control.js';
import { rawClient, uniquePrefix, waitFor } from '../helpers/context.js';

type BufEntry = [Buffer, Buffer[]];

/** `n` seed-shaped entries of `type` (type stream + global), ~1 ms apart, some with a binary field. */
async function seed(
  redis: Redis,
  prefix: string,
  type: string,
  n: number,
  startMs = 1_700_000_000_000,
) {
  const keys = createKeySpace(prefix);
  for (let i = 0; i < n; i += 1000) {
    const p = redis.pipeline();
    for (let j = i; j < Math.min(n, i + 1000); j++) {
      // Python-style JSON (1.0, spaces) that a decode/re-encode would change.
      const json = `{"n": ${j}, "score": 1.0, "event_type": "${type}", "big": 12345678901234567890}`;
      const extra = j % 100 === 0 ? ['blob', Buffer.from([0xff, 0x00, 0xc3, j % 256])] : [];
      p.xadd(keys.typeStream(type), `${startMs + j}-0`, 'event', json, ...extra);
      p.xadd(keys.globalStream, `${startMs + j}-0`, 'event', json, 'type', type, ...extra);
    }
    await p.exec();
  }
  return keys;
}

const all = async (redis: Redis, key: string) =>
  (await redis.xrangeBuffer(key, '-', '+')) as BufEntry[];

describe('range replay (streams/replay.ts)', () => {
  it('10,000 entries to a sandbox prefix at max: byte-identical fields, count = preview, global copies too', async () => {
    const redis = rawClient();
    const prefix = uniquePrefix('rp');
    const sandbox = uniquePrefix('sb');
    const live = await seed(redis, prefix, 'asset.discovered', 10_000);
    const plan = await planReplay(redis, live, {
      stream: 'asset.discovered',
      from: '0-0',
      to: parseRange('-', '+', Date.now()).to,
      target: { kind: 'prefix', prefix: sandbox },
    });
    const preview = await previewReplay(redis, plan);
    expect(preview.count).toBe(10_000);
    const progress: number[] = [];
    const res = await runReplay(redis, live, plan, {
      total: preview.count,
      onProgress: (p) => progress.push(p.done),
    });
    expect(res.replayed).toBe(preview.count);
    expect(res.written).toBe(20_000);
    expect(progress.at(-1)).toBe(10_000);
    const src = await all(redis, live.typeStream('asset.discovered'));
    const copy = await all(redis, `${sandbox}asset.discovered`);
    expect(copy).toHaveLength(10_000);
    copy.forEach(([, f], i) =>
      expect(Buffer.concat(f).equals(Buffer.concat(src[i][1]))).toBe(true),
    );
    const globalCopy = await all(redis, `${sandbox}all`);
    expect(globalCopy).toHaveLength(10_000);
    const srcGlobal = await all(redis, live.globalStream);
    // The global copy has the same event bytes and the type field (order: event, type, blob → event, blob, type).
    globalCopy.forEach(([, f], i) => {
      expect(f[1].equals(srcGlobal[i][1][1])).toBe(true);
      expect(f.at(-2)!.toString()).toBe('type');
      expect(f.at(-1)!.toString()).toBe('asset.discovered');
    });
    redis.disconnect();
  }, 90_000); // 8.9 s alone; the full suite at load 25 took it past the 20 s default

  it('the global stream with --types: only those types, each to its sandbox type stream', async () => {
    const redis = rawClient();
    const prefix = uniquePrefix('rp');
    const sandbox = uniquePrefix('sb');
    const live = await seed(redis, prefix, 'a', 30, 1_700_000_000_000);
    await seed(redis, prefix, 'b', 20, 1_700_000_100_000);
    const plan = await planReplay(redis, live, {
      stream: 'all',
      from: '0-0',
      to: '1800000000000-0',
      types: ['b'],
      target: { kind: 'prefix', prefix: sandbox },
    });
    expect((await previewReplay(redis, plan)).count).toBe(20);
    const res = await runReplay(redis, live, plan);
    expect(res.replayed).toBe(20);
    expect(await redis.xlen(`${sandbox}all`)).toBe(20);
    expect(await redis.xlen(`${sandbox}b`)).toBe(20);
    expect(await redis.exists(`${sandbox}a`)).toBe(0);
    // Global → type copy: the type field is dropped, the event bytes stay.
    const [[, f]] = (await redis.xrangeBuffer(`${sandbox}b`, '-', '+', 'COUNT', 1)) as BufEntry[];
    expect(f.map((x) => x.toString('latin1'))).toEqual([
      'event',
      expect.stringContaining('"n": 0'),
      'blob',
      expect.any(String),
    ]);
    redis.disconnect();
  });

  it('same stream: copies tagged replayed_from=<original ID>, also in the global stream', async () => {
    const redis = rawClient();
    const prefix = uniquePrefix('rp');
    const live = await seed(redis, prefix, 't', 10);
    const ids = (await redis.xrange(live.typeStream('t'), '-', '+')).map(([id]) => id);
    const plan = await planReplay(redis, live, {
      stream: 't',
      from: ids[2],
      to: ids[4],
      target: { kind: 'same' },
    });
    expect(plan.targetKeys).toEqual([live.typeStream('t'), live.globalStream]);
    const res = await runReplay(redis, live, plan);
    expect(res.replayed).toBe(3);
    const after = await redis.xrange(live.typeStream('t'), '-', '+');
    expect(after).toHaveLength(13);
    expect(after.slice(10).map(([, f]) => f.slice(-2))).toEqual(
      ids.slice(2, 5).map((id) => ['replayed_from', id]),
    );
    expect(after[10][1][1]).toBe(after[2][1][1]);
    expect(await redis.xlen(live.globalStream)).toBe(13);
    redis.disconnect();
  });

  it('--new-group: a group created just before the range; a consumer on it receives exactly the range, and the preview says what follows it', async () => {
    const redis = rawClient();
    const prefix = uniquePrefix('rp');
    const live = await seed(redis, prefix, 't', 100);
    const ids = (await redis.xrange(live.typeStream('t'), '-', '+')).map(([id]) => id);
    // A range that ends at the stream's last entry: the group delivers exactly the range.
    const plan = await planReplay(redis, live, {
      stream: 't',
      from: ids[40],
      to: ids[99],
      target: { kind: 'group', group: 'reprocess' },
    });
    const pv = await previewReplay(redis, plan);
    expect(pv).toMatchObject({ count: 60, afterRange: { count: 0, estimated: false } });
    const res = await runReplay(redis, live, plan, { total: 60 });
    expect(res.groupCreatedAt).toBe('1700000000039-18446744073709551615');
    expect(res.written).toBe(0);
    expect(await redis.xlen(live.typeStream('t'))).toBe(100); // no copies
    const readAll = async (group: string) => {
      const got: string[] = [];
      for (;;) {
        const r = (await redis.xreadgroup(
          'GROUP',
          group,
          'c1',
          'COUNT',
          25,
          'STREAMS',
          live.typeStream('t'),
          '>',
        )) as [string, [string, string[]][]][] | null;
        if (!r) break;
        got.push(...r[0][1].map(([id]) => id));
      }
      return got;
    };
    expect(await readAll('reprocess')).toEqual(ids.slice(40, 100));
    // A range that ends before the stream does: Redis cannot stop a group at an ID, so the group
    // delivers the range first and then the 20 entries after it — which the preview counts.
    const mid = await planReplay(redis, live, {
      stream: 't',
      from: ids[40],
      to: ids[79],
      target: { kind: 'group', group: 'reprocess-mid' },
    });
    const midPv = await previewReplay(redis, mid);
    expect(midPv).toMatchObject({ count: 40, afterRange: { count: 20, estimated: false } });
    await runReplay(redis, live, mid, { total: 40 });
    const got = await readAll('reprocess-mid');
    expect(got.slice(0, 40)).toEqual(ids.slice(40, 80));
    expect(got.slice(40)).toEqual(ids.slice(80));
    // An existing group is refused, and --types makes no sense for a group.
    await expect(
      planReplay(redis, live, {
        stream: 't',
        from: ids[0],
        to: ids[1],
        target: { kind: 'group', group: 'reprocess' },
      }),
    ).rejects.toThrow(/group "reprocess" already exists/);
    redis.disconnect();
  });

  it('bad input: from > to, unknown stream, sandbox prefix equal to the live prefix — one line each', async () => {
    const redis = rawClient();
    const prefix = uniquePrefix('rp');
    const live = await seed(redis, prefix, 't', 3);
    expect(() => parseRange('2026-11-28', '2026-11-27', Date.now())).toThrow(
      /^--from 2026-11-28 is after --to 2026-11-27/,
    );
    await expect(
      planReplay(redis, live, { stream: 't', from: '5-0', to: '4-0', target: { kind: 'same' } }),
    ).rejects.toThrow(/is after --to/);
    await expect(
      planReplay(redis, live, { stream: 'nope', from: '0-0', to: '9-0', target: { kind: 'same' } }),
    ).rejects.toThrow(new RegExp(`^unknown stream "nope": no key ${prefix}nope`));
    await expect(
      planReplay(redis, live, {
        stream: 't',
        from: '0-0',
        to: '9-0',
        target: { kind: 'prefix', prefix },
      }),
    ).rejects.toThrow(/is the live prefix/);
    redis.disconnect();
  });

  it('paced replay: pause holds, step lets one through, resume continues, cancel stops (behaviour, not timing)', async () => {
    const redis = rawClient();
    const prefix = uniquePrefix('rp');
    const sandbox = uniquePrefix('sb');
    // 20 entries 100 ms apart (2 s of original time) replayed at 10× ≈ 0.2 s.
    const live = await seed(redis, prefix, 'p', 0);
    const p = redis.pipeline();
    for (let i = 0; i < 20; i++)
      p.xadd(live.typeStream('p'), `${1_700_000_000_000 + i * 100}-0`, 'event', `{"i": ${i}}`);
    await p.exec();
    const plan = await planReplay(redis, live, {
      stream: 'p',
      from: '0-0',
      to: '1800000000000-0',
      target: { kind: 'prefix', prefix: sandbox },
    });
    const control = new ReplayControl();
    control.pause();
    const done = runReplay(redis, live, plan, { speed: 10, control, total: 20 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await redis.exists(`${sandbox}p`)).toBe(0); // paused before the first entry
    control.step();
    await waitFor(async () => (await redis.xlen(`${sandbox}p`)) === 1);
    control.step();
    await waitFor(async () => (await redis.xlen(`${sandbox}p`)) === 2);
    control.resume();
    await waitFor(async () => (await redis.xlen(`${sandbox}p`)) >= 5);
    control.cancel();
    const res = await done;
    expect(res.cancelled).toBe(true);
    expect(res.replayed).toBeLessThan(20);
    expect(await redis.xlen(`${sandbox}p`)).toBe(res.replayed);
    // At 10× a generous bound: 2 s of original time takes ≥ 0.15 s and far less than 2 s.
    const started = Date.now();
    const full = await runReplay(
      redis,
      live,
      { ...plan, target: { kind: 'prefix', prefix: uniquePrefix('sb2') } },
      { speed: 10 },
    );
    const elapsed = Date.now() - started;
    expect(full.replayed).toBe(20);
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(1900);
    redis.disconnect();
  });
});
