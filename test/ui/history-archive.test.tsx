/**
 * The history view with --archive against a real redis-server: old entries are archived and
 * trimmed by the library's trimOldEvents (the same writer as `streamscope archive`), then the view
 * pages backward past the stream's first entry into the archived days without a gap or a
 * duplicate, marks the archived rows, jumps and counts across the boundary, and a corrupt day file
 * is one line in the title, not a crash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { App } from '../../src/ui/components/App.js';
import { createMonitorStore, type MonitorStore } from '../../src/store/create-store.js';
import { defaultConfig } from '../../src/store/state.js';
import { createQueries } from '../../src/monitor/queries.js';
import { isArchived, rangeTitle } from '../../src/store/history.js';
import { selectLayer } from '../../src/store/layers.js';
import { streamArchiveDir } from '../../src/streams/archive-files.js';
import { createKeySpace } from '../../src/core/keys.js';
import { MAX_SEQ } from '../../src/core/stream-id.js';
import { planReplay, previewReplay } from '../../src/streams/replay-plan.js';
import { setThemeMode } from '../../src/ui/theme.js';
import type { MonitorMessage } from '../../src/core/messages.js';
import { rawClient, waitFor } from '../helpers/context.js';
import { connectedPersistence } from '../streams/helpers.js';
import { NO_TIMERS, settle } from './render.js';

const DAY = 86_400_000;
const OLD = 3_000; // archived: one a minute, ~2 days, 40 days ago
const LIVE = 300;
const r = rawClient();
const ids: string[] = [];
let prefix = '';
let key = '';
let dir = '';

beforeAll(async () => {
  const { p, prefix: pre } = await connectedPersistence({ checkPermissions: false });
  prefix = pre;
  key = `${prefix}t`;
  const [sec] = await r.time();
  const start = Number(sec) * 1000 - 40 * DAY;
  const pipe = r.pipeline();
  for (let i = 0; i < OLD; i++) ids.push(`${start + i * 60_000}-${i % 2}`);
  for (let i = 0; i < LIVE; i++) ids.push(`${Number(sec) * 1000 - 3_600_000 + i * 1000}-0`);
  for (const [i, id] of ids.entries()) pipe.xadd(key, id, 'type', 't', 'n', `v${i}`);
  await pipe.exec();
  dir = mkdtempSync(join(tmpdir(), 'ss-hist-archive-'));
  expect(await p.trimOldEvents('t', { maxAgeDays: 30, archive: dir })).toBe(OLD);
  expect(await r.xlen(key)).toBe(LIVE);
}, 60_000);
afterAll(async () => {
  await r.del(key);
  r.disconnect();
});

function makeStore(archiveDir: string, withKeys = false): MonitorStore {
  let store: MonitorStore | null = null;
  const emit = (m: MonitorMessage) => store!.dispatch(m);
  store = createMonitorStore({
    config: defaultConfig({ url: 'redis://127.0.0.1:6379', prefix }),
    commands: { readOnly: false, readOnlyReason: null, run: async () => {} },
    queries: createQueries({
      client: r,
      emit,
      archiveDir,
      ...(withKeys ? { keys: createKeySpace(prefix) } : {}),
    }),
    timers: NO_TIMERS,
  });
  return store;
}
const data = (s: MonitorStore) => selectLayer(s.getState(), 'history')!;
const idle = (s: MonitorStore) => waitFor(() => data(s).loading === null, 10_000);

describe('history view with --archive', () => {
  it('pages back past the first entry into the archived days: every entry once, in order, archived rows marked', async () => {
    const s = makeStore(dir);
    s.actions.history({ kind: 'open', stream: 't', key });
    await idle(s);
    expect(data(s).selected).toBe(ids[ids.length - 1]);
    expect(data(s).firstLiveId).toBe(ids[OLD]);
    // Walk back 1,000 rows (300 live, then 700 archived) 20 at a time.
    let at = ids.length - 1;
    for (let k = 0; k < 50; k++) {
      s.actions.moveCursor(-20);
      at -= 20;
      await idle(s);
      expect(data(s).error).toBeNull();
      expect(data(s).selected).toBe(ids[at]);
      expect(isArchived(data(s), ids[at])).toBe(at < OLD);
      // The window never holds an entry twice and is in ID order.
      const w = data(s).rows.map((e) => e.id);
      expect(w).toEqual(ids.slice(ids.indexOf(w[0]), ids.indexOf(w[0]) + w.length));
    }
    // And forward again across the boundary.
    for (let k = 0; k < 20; k++) {
      s.actions.moveCursor(20);
      at += 20;
      await idle(s);
      expect(data(s).selected).toBe(ids[at]);
    }
    // g: the oldest archived entry; goto an archived ID; G: the newest live one.
    s.actions.moveToEdge('top');
    await idle(s);
    expect(data(s).selected).toBe(ids[0]);
    expect(data(s).hasOlder).toBe(false);
    s.actions.history({ kind: 'goto', id: ids[1234] });
    await idle(s);
    expect(data(s).selected).toBe(ids[1234]);
    s.actions.moveToEdge('bottom');
    await idle(s);
    expect(data(s).selected).toBe(ids[ids.length - 1]);
  }, 60_000);

  it('a range across the boundary is counted exactly (archive + Redis); the view marks archived rows', async () => {
    setThemeMode('plain');
    const s = makeStore(dir);
    s.actions.selectPane('streams');
    s.actions.history({ kind: 'open', stream: 't', key });
    await idle(s);
    s.actions.openCommandLine();
    s.actions.editCommandLine(`range ${ids[2000]}..${ids[OLD + 99]}`);
    s.actions.submitCommandLine();
    await idle(s);
    await waitFor(() => data(s).count?.done, 10_000);
    expect(data(s).count).toMatchObject({ count: OLD - 2000 + 100, estimated: false });
    expect(rangeTitle(data(s))).toMatch(/^range 1,100 entries · \d+ d \d\d h$/);
    expect(data(s).selected).toBe(ids[2000]);
    const app = render(<App store={s} width={110} height={12} />);
    await settle();
    const frame = app.lastFrame() ?? '';
    expect(frame).toContain('range 1,100 entries');
    expect(frame).toContain('archived');
    expect(frame).toMatch(new RegExp(`${ids[2000]}\\s+archive\\s+t\\s+`));
    app.unmount();
  });

  it('a corrupt day file is one line in the title; the view stays usable', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'ss-hist-corrupt-'));
    cpSync(dir, bad, { recursive: true });
    const folder = streamArchiveDir(bad, key);
    const files = readdirSync(folder).sort();
    writeFileSync(join(folder, files[files.length - 1]), 'not gzip at all');
    const s = makeStore(bad);
    s.actions.history({ kind: 'open', stream: 't', key });
    await idle(s);
    // The newest page is in Redis; paging back past its start reads the corrupt file.
    for (let k = 0; k < 20 && !data(s).error; k++) {
      s.actions.moveCursor(-20);
      await idle(s);
    }
    expect(data(s).error).toMatch(/^corrupt archive file .*\.ndjson\.gz: .+$/);
    expect(data(s).error).not.toContain('\n');
    // Still there, on the live rows it had.
    expect(data(s).rows.length).toBeGreaterThan(0);
    s.actions.moveToEdge('bottom');
    await idle(s);
    expect(data(s).selected).toBe(ids[ids.length - 1]);
  });

  it('a stream trimmed away entirely (only in the archive): :history completes and opens it, pages it, and a replay reads it', async () => {
    const { p } = await connectedPersistence({ checkPermissions: false, streamPrefix: prefix });
    const gone = `${prefix}gone`;
    const [sec] = await r.time();
    const start = Number(sec) * 1000 - 35 * DAY;
    const goneIds = Array.from({ length: 500 }, (_, i) => `${start + i * 1000}-0`);
    const pipe = r.pipeline();
    for (const [i, id] of goneIds.entries()) pipe.xadd(gone, id, 'type', 'gone', 'n', `g${i}`);
    await pipe.exec();
    const goneDir = mkdtempSync(join(tmpdir(), 'ss-hist-gone-'));
    expect(await p.trimOldEvents('gone', { maxAgeDays: 30, archive: goneDir })).toBe(500);
    await r.del(gone); // nothing of it left in Redis
    const s = makeStore(goneDir, true);
    s.actions.openCommandLine(); // lists the archived streams
    await waitFor(() => s.getState().archivedStreams.includes(gone), 5_000);
    s.actions.editCommandLine('history go');
    s.actions.completeCommandLine();
    expect(selectLayer(s.getState(), 'command')?.text).toBe('history gone ');
    s.actions.submitCommandLine();
    await idle(s);
    expect(data(s).error).toBeNull();
    expect(data(s).selected).toBe(goneIds[499]);
    expect(data(s).firstLiveId).toBeNull();
    expect(isArchived(data(s), goneIds[499])).toBe(true);
    s.actions.moveToEdge('top');
    await idle(s);
    expect(data(s).selected).toBe(goneIds[0]);
    s.actions.history({ kind: 'goto', id: goneIds[321] });
    await idle(s);
    expect(data(s).selected).toBe(goneIds[321]);
    // Without the archive the name is unknown: one line, nothing opens.
    const plain = makeStore(dir, true);
    plain.actions.openCommandLine();
    plain.actions.editCommandLine('history gone');
    plain.actions.submitCommandLine();
    expect(selectLayer(plain.getState(), 'command')?.error).toMatch(/^history: no stream "gone"/);
    // The replay (R / streamscope replay --archive) reads the same files.
    const plan = await planReplay(r, createKeySpace(prefix), {
      stream: 'gone',
      from: '0-0',
      to: `${MAX_SEQ}-${MAX_SEQ}`,
      target: { kind: 'prefix', prefix: `${prefix}sandbox:` },
      archiveDir: goneDir,
    });
    expect(await previewReplay(r, plan)).toMatchObject({ count: 500, fromArchive: 500 });
  });
});
