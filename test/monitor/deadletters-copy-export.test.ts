/** Pane 5's y / Y / e: dead letters read from a real server, copied (OSC 52) and exported (NDJSON). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { MonitorMessage } from '../../src/core/messages.js';
import { createCommands } from '../../src/monitor/commands.js';
import { createFiles } from '../../src/monitor/files.js';
import { createQueries } from '../../src/monitor/queries.js';
import { createMonitorStore } from '../../src/store/create-store.js';
import { defaultConfig } from '../../src/store/state.js';
import { NO_TIMERS } from '../ui/render.js';
import { rawClient, uniquePrefix } from '../helpers/context.js';
import { arrangeHeld, bulkContext } from './bulk-helpers.js';

const r = rawClient();
const dir = mkdtempSync(join(tmpdir(), 'streamscope-dlq-files-'));
afterAll(() => {
  r.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe('pane 5: y, Y and e', () => {
  it('y copies the selected dead letter ID, Y its JSON; e exports the marked one, else what the filter leaves', async () => {
    const prefix = uniquePrefix('dlqcopy');
    const ctx = bulkContext(r, prefix);
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 3, 'dead-1', 'g', ['w2']);
    const cmd = createCommands({ client: r, keys: ctx.keys, emit: () => {} });
    await cmd.run({ kind: 'deadletter', stream, group: 'g', ids, reason: 'poison' });

    let raw = '';
    const msgs: MonitorMessage[] = [];
    let store: ReturnType<typeof createMonitorStore> | null = null;
    const files = createFiles({
      io: {
        env: { TERM: 'xterm-256color' },
        out: { isTTY: true, write: (s) => ((raw += s), true) },
      },
      emit: (m) => (msgs.push(m), store?.dispatch(m)),
      exportDir: join(dir, 'exports'),
    });
    store = createMonitorStore({
      config: defaultConfig({ prefix }),
      commands: { readOnly: false, readOnlyReason: null, run: vi.fn(async () => {}) },
      queries: { loadPendingPage: vi.fn(async () => {}), loadEntry: vi.fn(async () => {}) },
      files,
      timers: NO_TIMERS,
      now: () => Date.now(),
    });
    // The real query: what pane 5 gets from the server.
    await createQueries({ client: r, emit: (m) => store!.dispatch(m), keys: ctx.keys })
      .loadDeadLetters!();
    store.actions.selectPane('deadletters');
    const rows = store.getState().deadLetters.rows;
    expect(rows).toHaveLength(3);
    const dlqKey = ctx.keys.deadLetterStream('t');

    store.actions.copySelected('id');
    expect(raw).toBe(`\x1b]52;c;${Buffer.from(rows[0].id).toString('base64')}\x07`);
    store.actions.copySelected('json');
    const b64 = /\x1b\]52;c;([A-Za-z0-9+/=]+)\x07$/.exec(raw)![1];
    const copied = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
    expect(copied).toMatchObject({ id: rows[0].id, stream: dlqKey });
    expect(copied.fields).toMatchObject({
      dlq_original_id: ids[2],
      dlq_reason: 'poison',
      event: '{"n":2}',
    });

    // Marked: only the marked one (the cursor moves on after a mark).
    store.actions.toggleMark();
    store.actions.exportRows();
    await vi.waitFor(() =>
      expect(store!.getState().ui.notice?.text).toMatch(/^exported 1 entries to .*dead-letters/),
    );
    const first = msgs.find((m) => m.type === 'ExportProgressed' && m.done) as Extract<
      MonitorMessage,
      { type: 'ExportProgressed' }
    >;
    const line = JSON.parse(readFileSync(first.path, 'utf8'));
    expect(line).toMatchObject({ id: rows[0].id, stream: dlqKey });
    expect(line.fields).toMatchObject({ dlq_original_id: ids[2], event: '{"n":2}' });

    // No marks, filtered to one original ID: that one.
    store.actions.back();
    store.actions.startFilter();
    store.actions.editFilter(ids[0]);
    store.actions.commitFilter();
    msgs.length = 0;
    store.actions.exportRows();
    await vi.waitFor(() =>
      expect(msgs.some((m) => m.type === 'ExportProgressed' && m.done)).toBe(true),
    );
    const done = msgs.find((m) => m.type === 'ExportProgressed' && m.done) as Extract<
      MonitorMessage,
      { type: 'ExportProgressed' }
    >;
    const lines = readFileSync(done.path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.fields.dlq_original_id)).toEqual([ids[0]]);
  });
});
