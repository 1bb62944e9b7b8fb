/**
 * The `replay-range` command kind against a real redis-server, through the monitor's commands
 * port (the path the history view's `R` takes): preview count = copies, raw fields byte for byte,
 * pause / step / cancel, the three targets, read-only and a live sandbox prefix refused in the
 * commands layer, one journal line per replay.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandRequest } from '../../src/core/command-kinds.js';
import { createKeySpace } from '../../src/core/keys.js';
import type { ReplayRangeSpec } from '../../src/core/replay-range.js';
import { createCommands } from '../../src/monitor/commands.js';
import { Journal } from '../../src/monitor/journal.js';
import type { CommandJournal } from '../../src/monitor/journal-commands.js';
import { rawClient, sleep, uniquePrefix, waitFor } from '../helpers/context.js';
import { sink } from './helpers.js';

const r = rawClient();
const prefix = uniquePrefix('rr');
const keys = createKeySpace(prefix);
const key = keys.typeStream('t');
const N = 1_200;
const BASE = 1_700_000_000_000;
/** Not valid UTF-8 on purpose: a decode/re-encode would change these bytes. */
const BLOB = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28]);
const eventOf = (i: number) =>
  Buffer.from(JSON.stringify({ id: `e${i}`, type: 't', data: { n: i, s: 'ünïcødé ✓' } }));

beforeAll(async () => {
  const p = r.pipeline();
  for (let i = 0; i < N; i++) {
    // Explicit IDs 1 ms apart: entry i is known without reading it back.
    p.xadd(key, `${BASE + i}-0`, 'event', eventOf(i), 'blob', BLOB);
    p.xadd(keys.globalStream, `${BASE + i}-0`, 'type', 't', 'event', eventOf(i));
  }
  await p.exec();
});
afterAll(() => r.disconnect());

function journal(): CommandJournal {
  const dir = mkdtempSync(join(tmpdir(), 'rr-journal-'));
  return {
    journal: new Journal(join(dir, 'journal.ndjson')),
    server: 'redis://127.0.0.1',
    secrets: [],
    user: null,
    lastError: null,
  };
}

function request(spec: Partial<ReplayRangeSpec>): CommandRequest {
  return {
    kind: 'replay-range',
    stream: key,
    group: '',
    ids: [],
    replay: {
      stream: 't',
      from: `${BASE + 100}-0`,
      to: `${BASE + 599}-0`,
      target: { kind: 'prefix', prefix: uniquePrefix('sandbox') },
      speed: 'max',
      ...spec,
    },
  };
}

/** The value once it has not changed for 250 ms (a paused replay's in-flight batch landed). */
async function settled(read: () => Promise<number>): Promise<number> {
  let last = await read();
  for (let i = 0; i < 40; i++) {
    await sleep(250);
    const now = await read();
    if (now === last) return now;
    last = now;
  }
  throw new Error(`still changing after 10 s: ${last}`);
}

const raw = async (k: string) =>
  (await r.xrangeBuffer(k, '-', '+')) as unknown as [Buffer, Buffer[]][];

describe('replay-range (commands port, real redis-server)', () => {
  it('a sandbox replay at max: the preview count is what is copied, every field byte-identical, one journal line', async () => {
    const s = sink();
    const j = journal();
    const commands = createCommands({ client: r, keys, emit: s.emit, journal: j });
    const req = request({});
    const sandbox = (req.replay!.target as { prefix: string }).prefix;

    await commands.preview!(req);
    const pv = s.of('CommandPreviewed')[0];
    expect(pv.error).toBeNull();
    expect(pv.preview!.count).toBe(500);
    expect(pv.preview!.undoable).toBe(false);
    expect(pv.preview!.summary).toContain(
      `replay 500 entries of ${key} to ${sandbox}t + ${sandbox}all at max`,
    );
    expect(pv.preview!.details[0]).toMatch(/span 0\.5 s/);

    await commands.run(req);
    const done = s.of('CommandCompleted')[0];
    expect(s.of('CommandFailed')).toEqual([]);
    expect(done.affected).toBe(500);
    expect(done.total).toBe(500);
    expect(done.cancelled).toBeUndefined();
    expect(done.detail).toMatch(/^replayed 500 entries of 500 to .* \(journal [\w-]+\)$/);

    const originals = (await raw(key)).slice(100, 600);
    const copies = await raw(`${sandbox}t`);
    expect(copies.length).toBe(pv.preview!.count);
    for (let i = 0; i < copies.length; i++) {
      // The whole field list, names and values, byte for byte (event and the binary blob).
      expect(Buffer.concat(copies[i][1]).equals(Buffer.concat(originals[i][1]))).toBe(true);
      expect(copies[i][1][1].equals(eventOf(100 + i))).toBe(true);
    }
    const globalCopies = await raw(`${sandbox}all`);
    expect(globalCopies.length).toBe(500);
    expect(globalCopies[0][1].map(String)).toContain('type');
    // Nothing was written to the live streams.
    expect(await r.xlen(key)).toBe(N);

    const { records } = await j.journal.list();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      verb: 'replay',
      stream: key,
      count: 500,
      before: { via: 'monitor', target: { kind: 'prefix', prefix: sandbox }, speed: 'max' },
      outcome: { ok: true, cancelled: false, done: 500 },
    });
  });

  it('--read-only is refused in the commands layer: nothing sent, nothing journaled', async () => {
    const s = sink();
    const j = journal();
    const commands = createCommands({ client: r, keys, emit: s.emit, readOnly: true, journal: j });
    const req = request({});
    await commands.run(req);
    expect(s.of('CommandCompleted')).toEqual([]);
    expect(s.of('CommandFailed')[0].error).toMatchObject({
      code: 'READ_ONLY',
      message: 'read-only mode: replay-range refused, nothing was sent to Redis',
    });
    const sandbox = (req.replay!.target as { prefix: string }).prefix;
    expect(await r.exists(`${sandbox}t`, `${sandbox}all`)).toBe(0);
    expect((await j.journal.list()).records).toEqual([]);
  });

  it('a sandbox prefix equal to the live prefix is one line, in the preview and the run; nothing written', async () => {
    const s = sink();
    const commands = createCommands({ client: r, keys, emit: s.emit, journal: journal() });
    const req = request({ target: { kind: 'prefix', prefix } });
    await commands.preview!(req);
    expect(s.of('CommandPreviewed')[0].error!.message).toBe(
      `the sandbox prefix "${prefix}" is the live prefix: choose another one`,
    );
    await commands.run(req);
    const f = s.of('CommandFailed')[0];
    expect(f.error.code).toBe('INVALID_ARGUMENT');
    expect(f.error.message).not.toContain('\n');
    expect(await r.xlen(key)).toBe(N);
  });

  it('pause holds, a step lets exactly one entry through, resume continues, cancel says how many were copied', async () => {
    const s = sink();
    const j = journal();
    const commands = createCommands({ client: r, keys, emit: s.emit, journal: j });
    // 300 entries 1 ms apart at 0.1×: ~3 s if left alone.
    const req = request({ from: `${BASE}-0`, to: `${BASE + 299}-0`, speed: 0.1 });
    const sandbox = `${(req.replay!.target as { prefix: string }).prefix}t`;
    const controller = new AbortController();
    const running = commands.run(req, { signal: controller.signal });
    await waitFor(async () => (await r.xlen(sandbox)) >= 3);
    commands.control('pause');
    const held = await settled(() => r.xlen(sandbox)); // a batch in flight lands first
    await sleep(300);
    expect(await r.xlen(sandbox)).toBe(held);
    commands.control('step');
    await waitFor(async () => (await r.xlen(sandbox)) === held + 1);
    await sleep(200);
    expect(await r.xlen(sandbox)).toBe(held + 1);
    expect(s.of('CommandProgress').some((p) => p.paused === true)).toBe(true);
    commands.control('resume');
    await waitFor(async () => (await r.xlen(sandbox)) > held + 3);
    controller.abort();
    await running;
    const done = s.of('CommandCompleted')[0];
    const copied = await r.xlen(sandbox);
    expect(done.cancelled).toBe(true);
    expect(done.affected).toBe(copied);
    expect(copied).toBeLessThan(300);
    expect(done.detail).toContain(`replay cancelled: copied ${copied} entries of 300 to `);
    const last = s.of('CommandProgress').at(-1)!;
    expect(last.ratePerSec).toBeGreaterThan(0);
    expect(last.total).toBe(300);
    const { records } = await j.journal.list();
    expect(records[0].outcome).toMatchObject({ ok: true, cancelled: true, done: copied });
  });

  it('new group: created just before the range, nothing copied; a consumer on it reads the range first', async () => {
    const s = sink();
    const commands = createCommands({ client: r, keys, emit: s.emit, journal: journal() });
    const req = request({ target: { kind: 'group', group: 'reprocess' } });
    await commands.run(req);
    const done = s.of('CommandCompleted')[0];
    expect(done.detail).toMatch(`created group "reprocess" on ${key} at ${BASE + 99}-`);
    const read = (await r.xreadgroup(
      'GROUP',
      'reprocess',
      'c1',
      'COUNT',
      1,
      'STREAMS',
      key,
      '>',
    )) as [string, [string, string[]][]][];
    expect(read[0][1][0][0]).toBe(`${BASE + 100}-0`);
    expect(await r.xlen(key)).toBe(N);
    await r.xgroup('DESTROY', key, 'reprocess');
  });

  it('same stream: copies appended to the live stream, tagged replayed_from; an empty range is reported as nothing done', async () => {
    const s = sink();
    const other = keys.typeStream('same');
    await r.xadd(other, `${BASE}-0`, 'event', eventOf(0));
    await r.xadd(other, `${BASE + 1}-0`, 'event', eventOf(1));
    const commands = createCommands({ client: r, keys, emit: s.emit });
    await commands.run({
      ...request({}),
      stream: other,
      replay: {
        ...request({}).replay!,
        stream: 'same',
        from: '0-0',
        to: `${BASE + 1}-0`,
        target: { kind: 'same' },
      },
    });
    expect(s.of('CommandCompleted')[0].affected).toBe(2);
    const all = await raw(other);
    expect(all).toHaveLength(4);
    expect(all[2][1].map(String)).toEqual([
      'event',
      eventOf(0).toString(),
      'replayed_from',
      `${BASE}-0`,
    ]);

    await commands.run({
      ...request({}),
      stream: other,
      replay: { ...request({}).replay!, stream: 'same', from: '1-0', to: '2-0' },
    });
    const empty = s.of('CommandCompleted')[1];
    expect(empty).toMatchObject({ affected: 0, total: 0 });
    expect(empty.detail).toMatch(/^replayed 0 entries of 0 to /);
  });
});
