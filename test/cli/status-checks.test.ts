import { spawn } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/status.js';
import { rawClient, redisUrl, uniquePrefix, waitFor } from '../helpers/context.js';

const r = rawClient();
afterAll(() => r.disconnect());
afterEach(() => vi.restoreAllMocks());

type Result = { code: number; out: string; err: string };

async function status(args: string[]): Promise<Result> {
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

/** A slow group (lag 150), a healthy one, thumb-1 holding 5 (one a poison entry), thumb-2 holding none, a dead letter. */
async function arrange(prefix: string) {
  const key = `${prefix}asset.processed`;
  for (let i = 0; i < 160; i++) await r.xadd(key, '*', 'event', '{}');
  await r.xgroup('CREATE', key, 'thumbnailer', '0');
  await r.xgroup('CREATE', key, 'alice-main', '$');
  await r.xreadgroup('GROUP', 'thumbnailer', 'thumb-1', 'COUNT', 5, 'STREAMS', key, '>');
  await r.xreadgroup('GROUP', 'thumbnailer', 'thumb-2', 'COUNT', 5, 'STREAMS', key, '>');
  await r.xack(
    key,
    'thumbnailer',
    ...(await r.xrange(key, '-', '+', 'COUNT', 10)).slice(5).map((e) => e[0]),
  );
  const [[poison]] = await r.xrange(key, '-', '+', 'COUNT', 1);
  await r.xclaim(key, 'thumbnailer', 'thumb-1', 0, poison, 'RETRYCOUNT', 4);
  await r.xadd(`${prefix}dlq:asset.processed`, '*', 'event', '{}');
  return { key, poison };
}

const base = (prefix: string) => ['--url', redisUrl(), '--prefix', prefix];

describe('status --fail-if, thresholds, JSON', () => {
  it('exits 1 naming each failed condition on the slow group, 0 with a threshold above it', async () => {
    const prefix = uniquePrefix('failif');
    await arrange(prefix);
    const bad = await status([...base(prefix), '--fail-if', 'lag>100', '--fail-if', 'dlq>0']);
    expect(bad.err).toBe('');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('FAILED lag>100: thumbnailer on asset.processed: lag 150');
    expect(bad.out).toContain('FAILED dlq>0: 1 dead letter');
    expect(bad.out).not.toContain('alice-main on asset.processed: lag');
    const ok = await status([...base(prefix), '--fail-if', 'lag>1000']);
    expect(ok.code).toBe(0);
    expect(ok.out).not.toContain('FAILED');
    const scoped = await status([...base(prefix), '--fail-if', 'group=alice-main:lag>100']);
    expect(scoped.code).toBe(0);
  });

  it('marks the stuck consumer with --stuck-after and says why the group is stuck', async () => {
    const prefix = uniquePrefix('stuck');
    await arrange(prefix);
    const res = (await waitFor(async () => {
      const s = await status([...base(prefix), '--stuck-after', '1s', '--fail-if', 'stuck>0']);
      return s.code === 1 && s;
    })) as Result;
    expect(res.out).toMatch(
      /stuck consumers \(idle past --stuck-after while holding entries\):\n {2}thumb-1 in asset\.processed \/ thumbnailer: idle \d+(\.\d)?s, holds 5/,
    );
    expect(res.out).toMatch(
      /why is it stuck\? \(worst first\)\n {2}asset\.processed \/ thumbnailer: dead consumer thumb-/,
    );
    expect(res.out).toMatch(
      /also: poison entry \d+-\d+: delivered 4 times \(limit 5\) → :deadletter/,
    );
    expect(res.out).toContain(
      'thresholds: lag ≥ 1,000 · oldest pending ≥ 30s · stuck: idle ≥ 1s holding entries',
    );
    expect(res.out).toContain('FAILED stuck>0: thumbnailer on asset.processed: 1 stuck consumer');
  });

  it('--json carries oldest pending age, stuck consumers, the diagnosis and the failures', async () => {
    const prefix = uniquePrefix('sjson');
    const { poison } = await arrange(prefix);
    const res = (await waitFor(async () => {
      const s = await status([
        ...base(prefix),
        '--json',
        '--stuck-after',
        '1s',
        '--fail-if',
        'lag>100',
      ]);
      const doc = JSON.parse(s.out) as { groups: { stuckConsumers: unknown[] }[] };
      return doc.groups.some((g) => g.stuckConsumers.length > 0) && s;
    })) as Result;
    expect(res.code).toBe(1);
    const doc = JSON.parse(res.out);
    const g = doc.groups.find((x: { group: string }) => x.group === 'thumbnailer');
    expect(g.oldestPendingAgeMs).toBeGreaterThanOrEqual(0);
    expect(g.oldestPendingDeliveries).toBe(4);
    expect(g.stuckConsumers.map((c: { name: string }) => c.name).sort()).toEqual(['thumb-1']);
    expect(g.findings.map((f: { kind: string }) => f.kind)).toEqual([
      'dead-consumer',
      'poison-entry',
    ]);
    expect(g.findings[1].text).toContain(poison);
    expect(g.diagnosis).toMatch(/^dead consumer thumb-1: idle .* → :claim .*\(\+1 more\)$/);
    expect(doc.thresholds).toEqual({ lagWarn: 1000, pendingAgeWarnMs: 30_000, stuckAfterMs: 1000 });
    expect(doc.failed).toEqual([
      { condition: 'lag>100', detail: 'thumbnailer on asset.processed: lag 150' },
    ]);
    expect(doc.dlqs).toEqual([{ type: 'asset.processed', length: 1 }]);
  });

  it('one pass without --watch still finds a slow group: a second snapshot gives its rates', async () => {
    const prefix = uniquePrefix('slow1');
    const key = `${prefix}asset.processed`;
    for (let i = 0; i < 50; i++) await r.xadd(key, '*', 'event', '{}');
    // The group read everything once, then its consumer stopped; traffic goes on (~100/s).
    await r.xgroup('CREATE', key, 'thumbnailer', '0');
    await r.xreadgroup('GROUP', 'thumbnailer', 'thumb-1', 'STREAMS', key, '>');
    const ids = (await r.xrange(key, '-', '+')).map((e) => e[0]);
    await r.xack(key, 'thumbnailer', ...ids);
    for (let i = 0; i < 20; i++) await r.xadd(key, '*', 'event', '{}');
    const traffic = setInterval(() => void r.xadd(key, '*', 'event', '{}'), 10);
    try {
      const text = await status(base(prefix));
      expect(text.code).toBe(0);
      expect(text.out).toMatch(
        /asset\.processed \/ thumbnailer: slow: consumes 0\/s, ingest \d+\/s → add consumers/,
      );
      const json = await status([...base(prefix), '--json']);
      const g = (JSON.parse(json.out) as { groups: { group: string; rates: { ingest: number } }[] })
        .groups[0];
      expect(g.rates.ingest).toBeGreaterThan(0);
    } finally {
      clearInterval(traffic);
    }
  });

  it('bad input: one line on stderr, exit 2', async () => {
    const prefix = uniquePrefix('usage');
    await arrange(prefix);
    const cases: [string[], RegExp][] = [
      [
        ['--fail-if', 'lag>>1'],
        /^streamscope status: --fail-if "lag>>1": expected <metric><op><value>/,
      ],
      [
        ['--fail-if', 'group=nope:lag>1'],
        /^streamscope status: --fail-if "group=nope:lag>1": no group "nope" \(groups: alice-main, thumbnailer\)\n$/,
      ],
      [
        ['--stuck-after', '0'],
        /^streamscope status: --stuck-after: expected a duration above zero/,
      ],
      [['--watch', 'fast'], /^streamscope status: --watch: expected seconds above zero/],
    ];
    for (const [args, pattern] of cases) {
      const res = await status([...base(prefix), ...args]);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.err.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(res.err, args.join(' ')).toMatch(pattern);
      expect(res.out).toBe('');
    }
  });

  it('--watch reprints with rates and a drain column until interrupted (real process)', async () => {
    const prefix = uniquePrefix('watch');
    const { key } = await arrange(prefix);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'status', ...base(prefix), '--watch', '0.3'],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    try {
      await waitFor(() => (out.match(/ctrl\+c stops/g) ?? []).length >= 1, 20_000);
      for (let i = 0; i < 20; i++) await r.xadd(key, '*', 'event', '{}');
      await waitFor(() => (out.match(/ctrl\+c stops/g) ?? []).length >= 3, 20_000);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(
      /STREAM\s+LENGTH\s+GROUP\s+CONSUMERS\s+PENDING\s+OLDEST\s+STUCK\s+LAG\s+IN\s+OUT\s+DRAIN\s+LAST DELIVERED/,
    );
    expect(out).toMatch(/growing \+\d/);
  });
});
