/**
 * Issue 9's bad input in the monitor itself, against a real redis-server: the App drawn by Ink,
 * the real poller (snapshots), queries and commands port, keys typed on its stdin. An unknown
 * group, a group deleted before and during a bulk action, and delconsumer's refusal each end in
 * one line on screen that says what was done; the long previews are shown whole.
 */
import { render } from 'ink-testing-library';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { MonitorMessage } from '../../src/core/messages.js';
import { createKeySpace } from '../../src/core/keys.js';
import { createCommands } from '../../src/monitor/commands.js';
import { Poller } from '../../src/monitor/poller.js';
import { createQueries } from '../../src/monitor/queries.js';
import { createMonitorStore, type MonitorStore } from '../../src/store/create-store.js';
import { defaultConfig } from '../../src/store/state.js';
import { App } from '../../src/ui/components/App.js';
import { setThemeMode } from '../../src/ui/theme.js';
import { rawClient, redisUrl, uniquePrefix, waitFor } from '../helpers/context.js';
import { arrangeHeld, pendingOf } from '../monitor/bulk-helpers.js';
import { factory } from '../monitor/helpers.js';
import { NO_TIMERS, settle } from './render.js';

const r = rawClient();
afterAll(() => r.disconnect());
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Monitor {
  store: MonitorStore;
  stream: string;
  ids: string[];
  screen(): string;
  type(text: string): Promise<void>;
  until(what: string, check: (screen: string) => boolean): Promise<string>;
  refresh(): Promise<void>;
  /** Called with every message the loops and ports emit (after the store got it). */
  onMessage: (m: MonitorMessage) => void;
}

async function monitor(
  n: number,
  others: string[],
  holder = 'dead-1',
  width = 100,
): Promise<Monitor> {
  setThemeMode('plain');
  const keys = createKeySpace(uniquePrefix('ui9'));
  const { stream, ids } = await arrangeHeld(r, keys, n, holder, 'g', others);
  const m = { onMessage: (_: MonitorMessage) => {} } as Monitor;
  const emit = (msg: MonitorMessage) => {
    store.dispatch(msg);
    m.onMessage(msg);
  };
  const store = createMonitorStore({
    config: defaultConfig({ prefix: keys.prefix, url: redisUrl() }),
    commands: createCommands({ client: r, keys, emit }),
    queries: createQueries({ client: r, emit, keys }),
    timers: NO_TIMERS,
  });
  const f = factory(redisUrl());
  const poller = new Poller({ createClient: f.create, keys, emit, refreshMs: 60_000 });
  await poller.start();
  const app = render(<App store={store} width={width} height={30} />);
  cleanups.push(async () => {
    app.unmount();
    store.close?.();
    await poller.close();
  });
  Object.assign(m, {
    store,
    stream,
    ids,
    screen: () => app.lastFrame() ?? '',
    async type(text: string) {
      app.stdin.write(text);
      await settle();
    },
    async until(what: string, check: (s: string) => boolean) {
      try {
        return await waitFor(() => (check(m.screen()) ? m.screen() : null), 8000);
      } catch {
        throw new Error(`timed out waiting for ${what}; the screen was:\n${m.screen()}`);
      }
    },
    refresh: () => poller.refreshNow(),
  });
  await m.type(':show t g\r');
  await m.until('pane 3', (s) => s.includes(`t / g · ${n.toLocaleString('en-US')} pending`));
  return m;
}

/** The notice line: the one above the footer. */
const noticeLine = (screen: string): string => screen.split('\n').at(-2) ?? '';

describe('bulk actions in the monitor, real redis-server: one-line outcomes', () => {
  it('an unknown group is refused inline; the group deleted before acting is one line, nothing changed', async () => {
    const m = await monitor(5, ['w2']);
    await m.type(':show t nope\r');
    await m.until('the unknown group inline', (s) =>
      s.includes('show: no group "nope" (groups: g)'),
    );
    await m.type('\x1b');
    await m.until('the line closed', (s) => !s.includes(':show t nope'));

    // Someone deletes the group while pane 3 shows it.
    await r.xgroup('DESTROY', m.stream, 'g');
    await m.type(':mark all\r');
    const s = await m.until('the mark failure', (x) => /^mark all: /m.test(x));
    expect(noticeLine(s)).toMatch(/^mark all: .*NOGROUP/);
    expect(s).not.toContain('marked (all');
    await m.type(':ack\r');
    await m.until('the confirm dialog', (x) => x.includes('Acknowledge 1 entry of t / g?'));
    await m.type('y');
    const failed = await m.until('the ack failure', (x) => noticeLine(x).includes('ack failed'));
    expect(noticeLine(failed)).toMatch(
      /^ack failed: acknowledged 0 of 1 in t \/ g; stopped: .*\(enter: details\)$/,
    );
    await m.type('\r');
    await m.until('the details', (x) => /NOGROUP[\s\S]*1 not attempted/.test(x));
    expect(await r.exists(m.stream)).toBe(1);
  });

  it('a group deleted mid-bulk: the ack stops between batches and the line says how much was done', async () => {
    const m = await monitor(2500, ['w2']);
    await m.type(':mark all\r');
    await m.until('the marks', (s) => s.includes('2,500 marked (all, whole group)'));
    let destroyed: Promise<unknown> | null = null;
    m.onMessage = (msg) => {
      // After the first batch of 1,000: the next XACK meets NOGROUP.
      if (msg.type === 'CommandProgress' && !destroyed)
        destroyed = r.xgroup('DESTROY', m.stream, 'g');
    };
    await m.type('a');
    await m.until('the confirm dialog', (s) => s.includes('Acknowledge 2,500 entries of t / g?'));
    await m.type('y');
    const s = await m.until('the outcome', (x) => /acknowledged 1000 of 2500/.test(x));
    await destroyed;
    const line = noticeLine(s);
    // One line that says how much was done; the whole outcome is one enter away.
    expect(line).toMatch(
      /^ack failed: acknowledged 1000 of 2500 in t \/ g; stopped:… \(enter: details\)$/,
    );
    await m.type('\r');
    await m.until('the details', (x) => /NOGROUP[\s\S]*1500 not attempted/.test(x));
    expect(await r.exists(m.stream)).toBe(1); // the entries are still there: only the group went
  });

  it('delconsumer of a consumer holding entries: the refusal names what to do in the monitor, not a CLI flag', async () => {
    // No other consumer: nothing to claim them to, so the dialog can only refuse.
    const m = await monitor(5, []);
    await m.type(':delconsumer dead-1\r');
    const s = await m.until('the refusal', (x) => x.includes('Cannot delete consumer'));
    const text = s.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain(
      'Cannot delete consumer: consumer dead-1 still holds 5 pending entries: deleting it would drop them. Move them first: :mark consumer=dead-1 then a (ack) or d (dead-letter); no other consumer to claim them',
    );
    expect(text).not.toContain('--move-to');
    expect(text).toContain('nothing was changed');
    expect((await pendingOf(r, m.stream)).by).toEqual({ 'dead-1': 5 });
  });

  it("delconsumer with another consumer: the one confirm's preview is shown whole (the target is named)", async () => {
    // 60 columns and a long name: the preview wraps to more rows than a fixed-height dialog had.
    const holder = 'indexer-crashed-at-0300';
    const m = await monitor(5, ['w2'], holder, 60);
    await m.type(`:delconsumer ${holder}\r`);
    const s = await m.until('the preview', (x) => x.includes('Not undoable'));
    const text = s.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain(
      `Delete consumer ${holder} of group g on ${m.stream}, after claiming its 5 entries to w2?`,
    );
    expect(text).toContain(`${holder}: 5 pending`);
    expect(text).toContain(
      'Not undoable: a deleted consumer is gone; its entries stay with the consumer they moved to',
    );
    expect(text).toContain('y/enter confirm n/esc cancel');
    await m.type('y');
    await m.until('the outcome', (x) => noticeLine(x).includes(`deleted consumer ${holder}`));
    expect((await pendingOf(r, m.stream)).by).toEqual({ w2: 5 });
  });
});
