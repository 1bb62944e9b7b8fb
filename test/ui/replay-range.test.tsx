/**
 * Replaying a range from the history view, end to end in the rendered App against a real
 * redis-server (real queries and commands ports, keys typed on stdin): `:range` selects, `R`
 * opens the dialog with the exact count, `y` replays to the sandbox prefix — XRANGE then finds
 * byte-identical `event` fields, as many as the dialog said, and one journal line. A paced replay
 * pauses (`p`), steps one entry (`.`), resumes and is cancelled with esc, saying how many were
 * copied. Read-only and a sandbox prefix equal to the live one are refused with one line.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { App } from '../../src/ui/components/App.js';
import { createMonitorStore, type MonitorStore } from '../../src/store/create-store.js';
import { defaultConfig } from '../../src/store/state.js';
import { createQueries } from '../../src/monitor/queries.js';
import { createCommands } from '../../src/monitor/commands.js';
import { Journal } from '../../src/monitor/journal.js';
import { createKeySpace } from '../../src/core/keys.js';
import { selectLayer } from '../../src/store/layers.js';
import { setThemeMode } from '../../src/ui/theme.js';
import type { MonitorMessage } from '../../src/core/messages.js';
import { rawClient, sleep, uniquePrefix, waitFor } from '../helpers/context.js';
import { snapshot, stream } from '../store/build.js';
import { NO_TIMERS } from './render.js';

const N = 3_000;
const BASE = 1_700_000_000_000;
const idOf = (i: number) => `${BASE + i}-0`;
const r = rawClient();
const prefix = uniquePrefix('replayui');
const keys = createKeySpace(prefix);
const key = keys.typeStream('t');
const eventOf = (i: number) =>
  Buffer.from(JSON.stringify({ event_id: `e${i}`, data: { n: i, note: 'çà ✓ \u0000 end' } }));

beforeAll(async () => {
  const p = r.pipeline();
  for (let i = 0; i < N; i++) {
    p.xadd(key, idOf(i), 'event', eventOf(i));
    p.xadd(keys.globalStream, idOf(i), 'type', 't', 'event', eventOf(i));
  }
  await p.exec();
}, 60_000);
afterAll(() => r.disconnect());

interface Mounted {
  store: MonitorStore;
  frame(): string;
  keys(text: string): Promise<void>;
  journal: Journal;
  unmount(): void;
}

function mount(readOnly = false): Mounted {
  setThemeMode('plain');
  let store: MonitorStore | null = null;
  const emit = (m: MonitorMessage) => store!.dispatch(m);
  const journal = new Journal(join(mkdtempSync(join(tmpdir(), 'replayui-')), 'journal.ndjson'));
  const commands = createCommands({
    client: r,
    keys,
    emit,
    readOnly,
    journal: { journal, server: 'redis://127.0.0.1', secrets: [], user: null, lastError: null },
  });
  store = createMonitorStore({
    config: defaultConfig({
      url: 'redis://127.0.0.1:6379',
      prefix,
      readOnly,
      readOnlyReason: readOnly ? 'read-only mode (--read-only)' : null,
    }),
    commands,
    queries: createQueries({ client: r, emit }),
    timers: NO_TIMERS,
  });
  store.dispatch(snapshot([stream(key, { length: N }), stream(keys.globalStream, { length: N })]));
  const app = render(<App store={store} width={100} height={30} />);
  return {
    store,
    journal,
    frame: () => app.lastFrame() ?? '',
    async keys(text) {
      app.stdin.write(text);
      await sleep(20);
    },
    unmount: () => app.unmount(),
  };
}

const historyIdle = (m: Mounted) =>
  waitFor(() => selectLayer(m.store.getState(), 'history')?.loading === null);

/** Open the history of t and select entries from..to with `:range` (typed). */
async function selectRange(m: Mounted, from: number, to: number): Promise<void> {
  await m.keys(':');
  await m.keys('history t');
  await m.keys('\r');
  await historyIdle(m);
  await m.keys(':');
  await m.keys(`range ${idOf(from)}..${idOf(to)}`);
  await m.keys('\r');
  await historyIdle(m);
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

const raw = async (k: string, from = '-', to = '+') =>
  (await r.xrangeBuffer(k, from, to)) as unknown as [Buffer, Buffer[]][];

describe('replay a range from the history view (rendered App, real redis-server)', () => {
  it('R → dialog with the exact count → y: the sandbox holds byte-identical events, as many as shown', async () => {
    const m = mount();
    try {
      await selectRange(m, 100, 1_599);
      await m.keys('R');
      await waitFor(() => m.frame().includes('Replay 1,500 entries of t?'));
      const dialog = m.frame();
      expect(dialog).toContain(`entries ${idOf(100)} .. ${idOf(1_599)}`);
      expect(dialog).toContain('[sandbox prefix]');
      expect(dialog).toContain(`copies → t + all under ${prefix}sandbox:`);
      expect(dialog).toContain('[max]');
      expect(dialog).toContain('Not undoable: the copies stay');
      // The target and speed keys change the dialog, and back.
      await m.keys('t');
      expect(m.frame()).toContain('WARNING: copies go into the live stream');
      await m.keys('t');
      // A new group: Redis cannot stop it at the range's end; the dialog counts what follows.
      expect(m.frame()).toContain(
        `then the ${(N - 1_600).toLocaleString('en-US')} after the range too`,
      );
      await m.keys('t');
      expect(m.frame()).toContain('[sandbox prefix]');
      await m.keys('y');
      await waitFor(() => m.frame().includes('replayed 1,500 entries of 1,500 to '), 20_000);

      const originals = await raw(key, idOf(100), idOf(1_599));
      const copies = await raw(`${prefix}sandbox:t`);
      expect(copies.length).toBe(1_500);
      for (let i = 0; i < copies.length; i++) {
        expect(copies[i][1][0].toString()).toBe('event');
        expect(copies[i][1][1].equals(originals[i][1][1])).toBe(true);
      }
      expect(await r.xlen(`${prefix}sandbox:all`)).toBe(1_500);
      const { records } = await m.journal.list();
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        verb: 'replay',
        stream: key,
        count: 1_500,
        outcome: { ok: true, done: 1_500, cancelled: false },
      });
    } finally {
      m.unmount();
    }
  }, 60_000);

  it(':replay to=<p> speed=0.1 → p pauses, . steps one, p resumes, esc cancels saying how many were copied', async () => {
    const m = mount();
    const sb = `${prefix}sb2:`;
    try {
      await selectRange(m, 0, 2_999);
      await m.keys(':');
      await m.keys(`replay to=${sb} speed=0.1`);
      await m.keys('\r');
      await waitFor(() => m.frame().includes('Replay 3,000 entries of t?'));
      expect(m.frame()).toContain('[0.1×]');
      expect(m.frame()).toContain('takes about 30.0 s');
      await m.keys('y');
      const copied = () => r.xlen(`${sb}t`);
      await waitFor(async () => (await copied()) >= 5, 10_000);
      await waitFor(() => /Replaying .* · ETA \d+ s · p pauses · esc cancels/.test(m.frame()));
      await m.keys('p');
      const held = await settled(copied); // a batch in flight lands first
      await sleep(400);
      expect(await copied()).toBe(held);
      expect(m.frame()).toContain('p resumes · . steps one · esc cancels');
      expect(m.frame()).toMatch(/Paused ▕/);
      await m.keys('.');
      await waitFor(async () => (await copied()) === held + 1);
      await sleep(300);
      expect(await copied()).toBe(held + 1);
      await m.keys('p');
      await waitFor(async () => (await copied()) > held + 3);
      await m.keys('\x1b');
      await waitFor(() => m.frame().includes('replay cancelled: copied '), 10_000);
      const n = await copied();
      expect(n).toBeLessThan(3_000);
      expect(m.frame()).toContain(
        `replay cancelled: copied ${n.toLocaleString('en-US')} entries of 3,000 to ${sb}t`,
      );
      // The cancel stopped the replay, not the history view: it is still open.
      expect(selectLayer(m.store.getState(), 'history')).not.toBeNull();
      await sleep(300);
      expect(await copied()).toBe(n);
      const { records } = await m.journal.list();
      expect(records[0].outcome).toMatchObject({ ok: true, cancelled: true, done: n });
    } finally {
      m.unmount();
    }
  }, 60_000);

  it('read-only: R is refused with the reason and nothing is sent; a live sandbox prefix is one line', async () => {
    const ro = mount(true);
    try {
      await selectRange(ro, 10, 19);
      await ro.keys('R');
      expect(ro.frame()).toContain('replay: read-only mode (--read-only)');
      expect(selectLayer(ro.store.getState(), 'replay')).toBeNull();
      await ro.keys(':');
      await ro.keys('replay');
      await ro.keys('\r');
      expect(ro.frame()).toContain('replay refused: read-only mode (--read-only)');
      expect(selectLayer(ro.store.getState(), 'replay')).toBeNull();
      expect(ro.store.getState().ui.progress).toBeNull();
      expect((await ro.journal.list()).records).toEqual([]);
    } finally {
      ro.unmount();
    }
    const m = mount();
    try {
      await selectRange(m, 10, 19);
      await m.keys(':');
      await m.keys(`replay to=${prefix}`);
      await m.keys('\r');
      expect(m.frame()).toContain(
        `replay: the sandbox prefix "${prefix}" is the live prefix: choose another one`,
      );
      expect(selectLayer(m.store.getState(), 'replay')).toBeNull();
      expect(await r.xlen(key)).toBe(N);
    } finally {
      m.unmount();
    }
  }, 60_000);
});
