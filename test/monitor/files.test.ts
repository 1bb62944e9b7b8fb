/** y / Y / e through the store and the real files port: the raw terminal output, the NDJSON file. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { MonitorMessage } from '../../src/core/messages.js';
import { createFiles } from '../../src/monitor/files.js';
import { createMonitorStore } from '../../src/store/create-store.js';
import { defaultConfig } from '../../src/store/state.js';
import { NO_TIMERS } from '../ui/render.js';
import { events, pendingPage, T0, triageSnapshot } from '../store/build.js';

const dir = mkdtempSync(join(tmpdir(), 'streamscope-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function arrange(env: NodeJS.ProcessEnv) {
  let raw = '';
  const out = { isTTY: true, write: (s: string) => ((raw += s), true) };
  const msgs: MonitorMessage[] = [];
  let store: ReturnType<typeof createMonitorStore> | null = null;
  const files = createFiles({
    io: { env, out },
    emit: (m) => (msgs.push(m), store?.dispatch(m)),
    exportDir: join(dir, 'exports'),
    progressEvery: 10,
  });
  store = createMonitorStore({
    config: defaultConfig(),
    commands: { readOnly: false, readOnlyReason: null, run: vi.fn(async () => {}) },
    queries: { loadPendingPage: vi.fn(async () => {}), loadEntry: vi.fn(async () => {}) },
    files,
    timers: NO_TIMERS,
    now: () => T0,
  });
  return { store, raw: () => raw, msgs };
}

describe('y / Y / e', () => {
  it('y writes the OSC 52 sequence of the selected entry ID to the terminal; Y its JSON line', () => {
    const t = arrange({ TERM: 'xterm-256color' });
    t.store.dispatch(events(0, 3));
    t.store.flush();
    t.store.actions.copySelected('id');
    const id = `${T0 + 2}-0`;
    expect(t.raw()).toBe(`\x1b]52;c;${Buffer.from(id).toString('base64')}\x07`);
    expect(t.store.getState().ui.notice?.text).toBe(`copied entry ID ${id} (OSC 52)`);
    t.store.actions.copySelected('json');
    const b64 = /\x1b\]52;c;([A-Za-z0-9+/=]+)\x07$/.exec(t.raw())![1];
    const obj = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
    expect(obj).toMatchObject({
      id,
      stream: 'alice:events:all',
      event: { eventType: 'asset.discovered', eventId: 'id-2' },
    });
    expect(obj.fields.type).toBe('asset.discovered');
  });

  it('a terminal without OSC 52: nothing written to it, the notice says where the text went', () => {
    const t = arrange({ TERM: 'linux', XDG_STATE_HOME: dir });
    t.store.dispatch(events(0, 1));
    t.store.flush();
    t.store.actions.copySelected('id');
    expect(t.raw()).toBe('');
    const path = join(dir, 'streamscope', 'clipboard.txt');
    expect(t.store.getState().ui.notice?.text).toBe(
      `not copied: TERM=linux has no OSC 52; entry ID ${T0}-0 written to ${path}`,
    );
    expect(readFileSync(path, 'utf8')).toBe(`${T0}-0`);
  });

  it('e in pane 1 exports the rows the filter leaves, with a progress line, then where it went', async () => {
    const t = arrange({ TERM: 'xterm' });
    t.store.dispatch(events(0, 25, 'asset.discovered'));
    t.store.dispatch(events(100, 5, 'project.created'));
    t.store.flush();
    t.store.actions.startFilter();
    t.store.actions.editFilter('type:asset');
    t.store.actions.commitFilter();
    const notices: string[] = [];
    t.store.api.subscribe((s) => {
      const text = s.ui.notice?.text;
      if (text && notices.at(-1) !== text) notices.push(text);
    });
    t.store.actions.exportRows();
    await vi.waitFor(() =>
      expect(t.msgs.some((m) => m.type === 'ExportProgressed' && m.done)).toBe(true),
    );
    const progress = t.msgs.filter((m) => m.type === 'ExportProgressed');
    expect(progress.map((m) => m.type === 'ExportProgressed' && m.written)).toEqual([10, 20, 25]);
    const done = progress.at(-1) as Extract<MonitorMessage, { type: 'ExportProgressed' }>;
    expect(t.store.getState().ui.notice?.text).toBe(`exported 25 entries to ${done.path} (NDJSON)`);
    const lines = readFileSync(done.path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(25);
    expect(lines[0]).toMatchObject({
      id: `${T0}-0`,
      stream: 'alice:events:all',
      event: { eventId: 'id-0' },
    });
    expect(lines.every((l) => l.fields.type === 'asset.discovered')).toBe(true);
  });

  it('e in pane 3 exports the marked entries (their content as loaded)', async () => {
    const t = arrange({ TERM: 'xterm' });
    const K = 'alice:events:asset.discovered';
    t.store.dispatch(triageSnapshot());
    t.store.actions.selectPane('groups');
    t.store.actions.openSelected();
    t.store.dispatch(pendingPage(K, 'alice-main', 3));
    const ids = [0, 1, 2].map((i) => `${T0 - 600_000 + i}-0`);
    t.store.dispatch({
      type: 'EntriesLoaded',
      stream: K,
      entries: ids.map((id, i) => ({ id, fields: { event: `{"n":${i}}` }, event: null })),
      at: T0,
    });
    t.store.actions.toggleMark(); // the most idle: the last ID
    t.store.actions.exportRows();
    await vi.waitFor(() =>
      expect(t.store.getState().ui.notice?.text).toMatch(/^exported 1 entries/),
    );
    const done = t.msgs.find((m) => m.type === 'ExportProgressed' && m.done) as Extract<
      MonitorMessage,
      { type: 'ExportProgressed' }
    >;
    expect(done.path).toMatch(/streamscope-pending-alice-main-.*\.ndjson$/);
    const line = JSON.parse(readFileSync(done.path, 'utf8'));
    expect(line).toEqual({ id: ids[2], stream: K, fields: { event: '{"n":2}' }, event: null });
  });
});
