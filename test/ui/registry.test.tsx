/**
 * A pane and a command kind added the way the registries promise: one folder
 * (test/fixtures/throwaway-pane/) plus one registry line each, nothing else edited. They get a
 * tab, a number key, a `?` section, README rows; the command key is refused in read-only mode
 * (keys and commands layer) and disabled when the ACL user may not run its Redis command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectLayer } from '../../src/store/layers.js';
import { Redis } from 'ioredis';
import { render } from 'ink-testing-library';
import { registerCommandKind, type CommandKind } from '../../src/core/command-kinds.js';
import { createKeySpace } from '../../src/core/keys.js';
import { startRedisServer } from '../../src/local-redis/private-redis.js';
import { createCommands } from '../../src/monitor/commands.js';
import { createMonitorStore } from '../../src/store/create-store.js';
import { defaultConfig } from '../../src/store/state.js';
import { App } from '../../src/ui/components/App.js';
import { renderKeyTableMarkdown } from '../../src/ui/keymap.js';
import { registerPane } from '../../src/ui/panes/registry.js';
import { setThemeMode } from '../../src/ui/theme.js';
import { rawClient, redisUrl, uniquePrefix, waitFor } from '../helpers/context.js';
import { snapshot, stream, T0 } from '../store/build.js';
import {
  deleteEntries,
  THROWAWAY_KIND,
  throwawayKind,
  throwawayPane,
} from '../fixtures/throwaway-pane/index.js';
import { NO_TIMERS, settle } from './render.js';

const KIND = THROWAWAY_KIND as CommandKind;
const executors = { [KIND]: deleteEntries };
const r = rawClient();
const undo: (() => void)[] = [];

beforeAll(() => {
  undo.push(registerCommandKind(THROWAWAY_KIND, throwawayKind)); // the kind's one line
  undo.push(registerPane(throwawayPane)); // the pane's one line
});
afterAll(() => {
  for (const u of undo.reverse()) u();
  r.disconnect();
});

async function arrange(readOnly = false, client: Redis = r) {
  setThemeMode('plain');
  const ks = createKeySpace(uniquePrefix('throwaway'));
  const key = ks.typeStream('t');
  const id = (await r.xadd(key, '*', 'f', '1')) as string;
  await r.xadd(key, '*', 'f', '2');
  const store = createMonitorStore({
    config: defaultConfig({ prefix: ks.prefix, readOnly }),
    commands: createCommands({
      client,
      keys: ks,
      emit: (m) => store.dispatch(m),
      readOnly,
      executors,
    }),
    queries: { loadPendingPage: async () => {}, loadEntry: async () => {} },
    timers: NO_TIMERS,
    now: () => T0,
  });
  store.syncPermissions();
  store.dispatch(snapshot([stream(key, { length: 2, firstEntryId: id })]));
  const app = render(<App store={store} width={100} height={24} />);
  const screen = () => (app.lastFrame() ?? '').split('\n').map((l) => l.trimEnd());
  const press = async (k: string) => {
    app.stdin.write(k);
    await settle();
  };
  return { ks, key, id, store, app, screen, press };
}

describe('a throwaway pane + command kind, one folder and one line each', () => {
  it('gets a tab, number key 9, its footer keys, a ? section and README rows; its command runs through the real commands port', async () => {
    const t = await arrange();
    try {
      // Six tabs at 100 columns: the unselected ones shorten to their number.
      expect(t.screen()[1]).toMatch(/ 9( Throwaway)? /);
      await t.press('9');
      expect(t.store.getState().ui.pane).toBe('throwaway');
      expect(t.screen().join('\n')).toContain(`Throwaway pane · streams: ${t.key}`);
      expect(t.screen().at(-1)).toMatch(/^x delete {2}w wave {2}q quit/);
      await t.press('w');
      expect(t.screen()).toContain('hello from the throwaway pane');
      // tab cycles through it too: 9 → 1.
      await t.press('\t');
      expect(t.store.getState().ui.pane).toBe('events');
      await t.press('9');

      await t.press('?');
      const help = t.screen().join('\n');
      expect(help).toContain('9 Throwaway');
      expect(help).toContain('9            Throwaway pane');
      await t.press('\x1b');

      expect(renderKeyTableMarkdown()).toContain(
        '| `x` | 9 Throwaway | Delete the oldest entry of the first stream (XDEL), after confirmation | yes',
      );
      expect(renderKeyTableMarkdown()).toContain('| `9` | Everywhere | Throwaway pane | no |');

      await t.press('x');
      expect(t.screen().join('\n')).toContain('Delete 1 entry of t?');
      expect(t.screen().join('\n')).toContain('Not undoable: deleted entries are gone');
      expect(await r.xlen(t.key)).toBe(2); // nothing before confirming
      await t.press('y');
      await waitFor(async () => (await r.xlen(t.key)) === 1, 10_000);
      await waitFor(
        async () => t.screen().join('\n').includes(`deleted 1 of 1 from ${t.key}`),
        10_000,
      );
    } finally {
      t.app.unmount();
    }
  });

  it('read-only: the key is disabled with the reason, and the commands layer refuses the kind by its record', async () => {
    const t = await arrange(true);
    try {
      await t.press('9');
      // Dimmed in the footer; the reason is in ?.
      expect(t.screen().at(-1)).toContain('x delete');
      await t.press('?');
      expect(t.screen().join('\n')).toContain('x            delete: read-only mode (--read-only)');
      await t.press('?');
      await t.press('x');
      expect(selectLayer(t.store.getState(), 'confirm')).toBeNull();
      expect(t.screen().join('\n')).toContain('delete: read-only mode (--read-only)');
      // Even if a key slipped through: the port answers READ_ONLY and sends nothing.
      const lazy = new Redis(redisUrl(), { lazyConnect: true });
      const got: string[] = [];
      const ro = createCommands({
        client: lazy,
        keys: t.ks,
        emit: (m) => got.push(m.type === 'CommandFailed' ? m.error.code : m.type),
        readOnly: true,
        executors,
      });
      await ro.run({ kind: KIND, stream: t.key, group: '', ids: [t.id] });
      expect(got).toEqual(['READ_ONLY']);
      expect(lazy.status).toBe('wait');
      expect(await r.xlen(t.key)).toBe(2);
    } finally {
      t.app.unmount();
    }
  });

  it('ACL: a user without XDEL gets the key disabled (probe), the other panes keep theirs', async () => {
    const server = await startRedisServer({ config: ['user nodel on >pw ~* &* +@all -xdel'] });
    const limited = new Redis(`redis://nodel:pw@127.0.0.1:${server.port}`, {
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
    });
    try {
      const cmds = createCommands({
        client: limited,
        keys: createKeySpace('x:'),
        emit: () => {},
        executors,
      });
      await cmds.probePermissions();
      expect([...cmds.deniedCommands]).toContain(KIND);
      expect([...cmds.deniedCommands]).not.toContain('ack');
      const t = await arrange();
      try {
        t.store.act({
          type: 'setPermissions',
          readOnly: cmds.readOnly,
          reason: cmds.readOnlyReason,
          denied: [...cmds.deniedCommands],
        });
        await t.press('9');
        // Dimmed in the footer; the reason is in ?.
        expect(t.screen().at(-1)).toContain('x delete');
        await t.press('?');
        expect(t.screen().join('\n')).toContain(
          'x            delete: ACL: the Redis user may not run XDEL',
        );
        await t.press('?');
        await t.press('x');
        expect(selectLayer(t.store.getState(), 'confirm')).toBeNull();
        expect(t.screen().join('\n')).toContain('delete: ACL: the Redis user may not run XDEL');
        expect(t.store.getState().config.readOnly).toBe(false);
      } finally {
        t.app.unmount();
      }
    } finally {
      limited.disconnect();
      await server.stop();
    }
  });
});
