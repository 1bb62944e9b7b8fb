import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import {
  COMMAND_KINDS,
  commandKind,
  commandKinds,
  registerCommandKind,
  type CommandKind,
  type CommandKindSpec,
} from '../../src/core/command-kinds.js';
import { createKeySpace } from '../../src/core/keys.js';
import { createCommands, EXECUTORS, type Executor } from '../../src/monitor/commands.js';
import { startRedisServer } from '../../src/local-redis/private-redis.js';
import { rawClient, redisUrl, uniquePrefix } from '../helpers/context.js';
import { sink } from './helpers.js';

const r = rawClient();
afterAll(() => r.disconnect());

/** A throwaway kind: XDEL the entries (a real mutation, so read-only and ACL must stop it). */
const DELETE: CommandKindSpec = {
  redisCommands: ['XDEL'],
  verb: 'Delete',
  verbing: 'Deleting',
  confirmText: () => 'The entries are removed from the stream.',
  undo: 'not undoable',
  mutates: true,
  readOnly: 'refuse',
  aclProbe: (key) => [['XDEL', key, '0-1']],
  asks: null,
};
const deleteEntries: Executor = async ({ stream, ids }, ctx) => {
  const n = await ctx.pipelineSum((p, part) => p.xdel(stream, ...part), ids, Number);
  return { affected: n, detail: `deleted ${n} of ${ids.length}` };
};
const KIND = 'throwaway-delete' as CommandKind;

describe('the command-kind table', () => {
  it('has a record and an executor for every kind, each naming its probe commands', () => {
    for (const k of Object.keys(COMMAND_KINDS) as CommandKind[]) {
      expect(EXECUTORS[k], k).toBeTypeOf('function');
      const probe = commandKind(k).aclProbe('p');
      expect(probe.length, k).toBeGreaterThan(0);
      // Every probed command is one the kind says it sends.
      for (const c of probe) expect(commandKind(k).redisCommands).toContain(c[0]);
    }
  });

  it("redrive's confirm text states the rate when :redrive names one", () => {
    const base = { kind: 'redrive' as const, stream: 'p:dlq:t', group: '', ids: ['1-0'] };
    expect(commandKind('redrive').confirmText(base)).not.toMatch(/At most/);
    expect(commandKind('redrive').confirmText({ ...base, ratePerSec: 1500 })).toMatch(
      / At most 1,500 a second\.$/,
    );
  });

  it('a kind added by one record + one executor runs, is refused in read-only, and is denied by its ACL probe', async () => {
    const unregister = registerCommandKind(KIND, DELETE);
    const server = await startRedisServer({ config: ['user nodel on >pw ~* &* +@all -xdel'] });
    const admin = new Redis(server.url);
    const nodel = new Redis(`redis://nodel:pw@127.0.0.1:${server.port}`, {
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
    });
    try {
      expect(commandKinds()).toContain(KIND);
      const ks = createKeySpace(uniquePrefix('kind'));
      const key = ks.typeStream('t');
      const ids = [
        (await r.xadd(key, '*', 'f', '1')) as string,
        (await r.xadd(key, '*', 'f', '2')) as string,
      ];
      const executors = { [KIND]: deleteEntries };

      // Read-only: refused by the table's rule, the lazy client never connects.
      const lazy = new Redis(redisUrl(), { lazyConnect: true });
      const ro = sink();
      const readOnly = createCommands({
        client: lazy,
        keys: ks,
        emit: ro.emit,
        readOnly: true,
        executors,
      });
      await readOnly.run({ kind: KIND, stream: key, group: '', ids });
      expect(ro.of('CommandFailed').map((m) => m.error.code)).toEqual(['READ_ONLY']);
      expect(lazy.status).toBe('wait');
      expect(await r.xlen(key)).toBe(2);

      // Allowed: the executor runs.
      const ok = sink();
      await createCommands({ client: r, keys: ks, emit: ok.emit, executors }).run({
        kind: KIND,
        stream: key,
        group: '',
        ids: [ids[0]],
      });
      expect(ok.of('CommandCompleted').map((m) => [m.command, m.affected])).toEqual([[KIND, 1]]);
      expect(await r.xlen(key)).toBe(1);

      // ACL: the probe learns XDEL is denied; the kind is refused without sending, others stay.
      const acl = sink();
      const limited = createCommands({ client: nodel, keys: ks, emit: acl.emit, executors });
      await limited.probePermissions();
      // The bulk kinds that probe XDEL (redrive, dlq-delete) are denied with it.
      expect([...limited.deniedCommands]).toEqual(['redrive', 'dlq-delete', KIND]);
      expect(limited.readOnly).toBe(false);
      expect(limited.readOnlyReason).toBe('ACL: the Redis user may not run XDEL');
      const k2 = `${ks.prefix}other`;
      const id2 = (await admin.xadd(k2, '*', 'f', '1')) as string;
      await limited.run({ kind: KIND, stream: k2, group: '', ids: [id2] });
      expect(acl.of('CommandFailed')[0].error).toMatchObject({ code: 'NOPERM' });
      expect(acl.of('CommandFailed')[0].error.message).toMatch(
        /may not run XDEL .*Nothing was sent/,
      );
      expect(await admin.xlen(k2)).toBe(1);
    } finally {
      unregister();
      admin.disconnect();
      nodel.disconnect();
      await server.stop();
    }
    expect(commandKinds()).not.toContain(KIND);
  });
});
