import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { parseBound, run } from '../../src/cli/export.js';
import { rawClient, redisUrl, uniquePrefix } from '../helpers/context.js';
import { fidelityFixtures } from '../helpers/fidelity-fixtures.js';

const r = rawClient();
const dir = mkdtempSync(join(tmpdir(), 'streamscope-export-'));
afterAll(() => {
  r.disconnect();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

async function exportCmd(args: string[]): Promise<{ code: number; out: string; err: string }> {
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

const seed = (type: string, n: number) =>
  JSON.stringify({
    n,
    event_id: `e${n}`,
    timestamp: '2026-11-27T07:08:48.060876+00:00',
    source: '',
    version: '1.0.0',
    event_type: type,
  });

describe('streamscope export', () => {
  it('writes id, stream, raw fields in order (bytes kept) and the decoded event, one line each', async () => {
    const prefix = uniquePrefix('export');
    const all = `${prefix}all`;
    const a = (await r.xadd(
      all,
      '*',
      'event',
      seed('asset.processed', 1),
      'type',
      'asset.processed',
    )) as string;
    const b = (await r.xadd(
      all,
      '*',
      'event',
      seed('project.created', 2),
      'type',
      'project.created',
    )) as string;
    // A foreign entry: integer-like field names (JS would reorder them), a binary value.
    const c = (await r.xaddBuffer(
      all,
      '*',
      'z',
      'last?',
      '10',
      'ten',
      '2',
      Buffer.from([0xff, 0x00, 0xc3]),
    )) as Buffer;
    const res = await exportCmd(['--url', redisUrl(), '--prefix', prefix, '--stream', 'all']);
    expect(res.code).toBe(0);
    const lines = res.out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const docs = lines.map((l) => JSON.parse(l));
    expect(docs[0]).toMatchObject({
      id: a,
      stream: all,
      fields: { event: seed('asset.processed', 1), type: 'asset.processed' },
      event: { eventType: 'asset.processed', eventId: 'e1', data: { n: 1 } },
    });
    expect(docs[1].id).toBe(b);
    expect(docs[2].id).toBe(c.toString());
    expect(docs[2].event).toBeNull();
    expect(lines[2]).toContain('"fields":{"z":"last?","10":"ten","2":{"base64":"/wDD"}}');
    expect(Buffer.from(docs[2].fields['2'].base64, 'base64')).toEqual(
      Buffer.from([0xff, 0x00, 0xc3]),
    );
    expect(res.err).toBe(
      `exported 3 entries from ${all} to stdout in ${/in ([\d.]+s)/.exec(res.err)![1]}\n`,
    );
  });

  it("Python producers' events (1.0, big integers, NaN, key order, __proto__…): exact bytes in fields, exit 0", async () => {
    const prefix = uniquePrefix('exportpy');
    const all = `${prefix}all`;
    for (const f of fidelityFixtures)
      await r.xadd(all, '*', 'event', f.fields.event, 'type', f.key.split(':').pop()!);
    const res = await exportCmd(['--url', redisUrl(), '--prefix', prefix, '--stream', 'all']);
    expect(res.err).toMatch(/^exported 8 entries/);
    expect(res.code).toBe(0);
    const docs = res.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { fields: { event: string }; event: { data: object } | null });
    expect(docs.map((d) => d.fields.event)).toEqual(fidelityFixtures.map((f) => f.fields.event));
    // The decoded view: a big integer as its digits (JSON has no bigint), NaN as null.
    expect(docs[1].event?.data).toMatchObject({ file_size: '9007199254740993', small: 42 });
    expect(docs[2].event?.data).toMatchObject({ overall_score: null, scores: [1, null, 0.75] });
    expect(Object.keys(docs[7].event!.data)[0]).toBe('__proto__');
  });

  it('--types, --from/--to and --out file', async () => {
    const prefix = uniquePrefix('exportf');
    const all = `${prefix}all`;
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const type = i % 3 === 0 ? 'project.created' : 'asset.processed';
      ids.push(
        (await r.xadd(all, `${1_000_000 + i}-0`, 'event', seed(type, i), 'type', type)) as string,
      );
    }
    const file = join(dir, 'out.ndjson');
    const res = await exportCmd([
      '--url',
      redisUrl(),
      '--prefix',
      prefix,
      '--stream',
      'all',
      '--types',
      'project.created',
      '--from',
      ids[3],
      '--to',
      '1000020',
      '--out',
      file,
    ]);
    expect(res.code).toBe(0);
    expect(res.out).toBe('');
    const got = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    expect(got).toEqual([3, 6, 9, 12, 15, 18].map((i) => ids[i]));
    expect(res.err).toMatch(
      /^exported 6 entries from .* to .*out\.ndjson in [\d.]+s \(12 of other types left out\)\n$/,
    );
    // A type stream: pages across many XRANGE calls, nothing lost or repeated.
    const t = `${prefix}asset.processed`;
    for (let i = 0; i < 2500; i++)
      await r.xadd(t, `${2_000_000 + i}-0`, 'event', seed('asset.processed', i));
    const big = await exportCmd([
      '--url',
      redisUrl(),
      '--prefix',
      prefix,
      '--stream',
      'asset.processed',
    ]);
    const bigIds = big.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    expect(bigIds).toHaveLength(2500);
    expect(new Set(bigIds).size).toBe(2500);
    expect(bigIds[2499]).toBe('2002499-0');
  });

  it('bad input: one line, exit 2', async () => {
    for (const [args, pattern] of [
      [[], /^streamscope export: --stream is required/],
      [
        ['--stream', 'all', '--from', 'yesterday-ish'],
        /^streamscope export: --from: expected a stream ID/,
      ],
      [['--stream', 'all', '--bogus'], /^streamscope export: unknown option "--bogus"/],
    ] as [string[], RegExp][]) {
      const res = await exportCmd(['--url', redisUrl(), ...args]);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.err).toMatch(pattern);
      expect(res.err.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('bounds: IDs as is, ages before now, ISO times as ms', () => {
    expect(parseBound('--from', '5-1')).toBe('5-1');
    expect(parseBound('--from', '1h', 10_000_000)).toBe(String(10_000_000 - 3_600_000));
    expect(parseBound('--from', '-30m', 10_000_000)).toBe(String(10_000_000 - 1_800_000));
    expect(parseBound('--to', '2026-12-01T10:40Z')).toBe(String(Date.parse('2026-12-01T10:40Z')));
    expect(parseBound('--to', undefined)).toBeNull();
  });

  it('stops quietly when the reader goes away (| head), real process', async () => {
    const prefix = uniquePrefix('exportp');
    const t = `${prefix}asset.processed`;
    const p = r.pipeline();
    for (let i = 0; i < 5000; i++) p.xadd(t, '*', 'event', seed('asset.processed', i));
    await p.exec();
    const { stdout, stderr } = await promisify(execFile)(
      'sh',
      [
        '-c',
        `node --import tsx src/cli/main.ts export --url '${redisUrl()}' --prefix '${prefix}' --stream asset.processed | head -n 2`,
      ],
      { cwd: process.cwd() },
    );
    expect(stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(stderr).not.toMatch(/Error|EPIPE/);
  });
});
