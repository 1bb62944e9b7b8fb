import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createKeySpace } from '../../src/core/keys.js';
import { createCommands } from '../../src/monitor/commands.js';
import { startRedisServer } from '../../src/local-redis/private-redis.js';
import { rawClient, redisUrl, uniquePrefix } from '../helpers/context.js';
import { sink } from './helpers.js';

const r = rawClient();
afterAll(() => r.disconnect());

type Pel = [string, string, number, number][];

/** A type stream and its global stream with 4 entries, all delivered to c1 in group g. */
async function arrange() {
  const prefix = uniquePrefix('cmd');
  const ks = createKeySpace(prefix);
  const key = ks.typeStream('asset.processed');
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const json = JSON.stringify({ n: i, event_type: 'asset.processed' });
    ids.push((await r.xadd(key, '*', 'event', json)) as string);
    await r.xadd(ks.globalStream, '*', 'event', json, 'type', 'asset.processed');
  }
  await r.xgroup('CREATE', key, 'g', '0');
  await r.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 10, 'STREAMS', key, '>');
  return { ks, key, ids };
}

async function state(key: string, global: string) {
  return {
    // Idle time moves on by itself; ID, owner and delivery count must not.
    pel: ((await r.xpending(key, 'g', '-', '+', 100)) as Pel).map(
      ([id, consumer, , deliveries]) => [id, consumer, deliveries],
    ),
    entries: await r.xrange(key, '-', '+'),
    global: await r.xrange(global, '-', '+'),
    groups: await r.xinfo('GROUPS', key),
  };
}

describe('createCommands', () => {
  it('ack acknowledges exactly the given entries and reports the ones no longer pending', async () => {
    const { ks, key, ids } = await arrange();
    const s = sink();
    const cmd = createCommands({ client: r, keys: ks, emit: s.emit });
    await cmd.run({ kind: 'ack', stream: key, group: 'g', ids: [ids[0], ids[2], '1-1'] });
    expect(s.msgs).toEqual([
      expect.objectContaining({
        type: 'CommandCompleted',
        command: 'ack',
        requested: 3,
        affected: 2,
      }),
    ]);
    expect(((await r.xpending(key, 'g', '-', '+', 10)) as Pel).map((e) => e[0])).toEqual([
      ids[1],
      ids[3],
    ]);
  });

  it('claim moves pending entries to the target consumer without counting a delivery', async () => {
    const { ks, key, ids } = await arrange();
    const s = sink();
    const cmd = createCommands({ client: r, keys: ks, emit: s.emit });
    await r.xack(key, 'g', ids[3]);
    // The target must exist: XCLAIM would create it silently (a typo would hide the entries).
    await cmd.run({ kind: 'claim', stream: key, group: 'g', consumer: 'rescuer', ids: [ids[1]] });
    expect(s.msgs.splice(0)).toEqual([
      expect.objectContaining({
        type: 'CommandFailed',
        error: {
          code: 'INVALID_ARGUMENT',
          message:
            'no consumer "rescuer" in group g (consumers: c1); claim targets an existing consumer',
        },
      }),
    ]);
    await r.xgroup('CREATECONSUMER', key, 'g', 'rescuer');
    await cmd.run({
      kind: 'claim',
      stream: key,
      group: 'g',
      consumer: 'rescuer',
      ids: [ids[1], ids[2], ids[3]],
    });
    expect(s.msgs).toEqual([
      expect.objectContaining({
        type: 'CommandCompleted',
        command: 'claim',
        requested: 3,
        affected: 2,
      }),
    ]);
    const pel = (await r.xpending(key, 'g', '-', '+', 10)) as Pel;
    expect(pel.map((e) => [e[0], e[1], e[3]])).toEqual([
      [ids[0], 'c1', 1],
      [ids[1], 'rescuer', 1],
      [ids[2], 'rescuer', 1],
    ]);
  });

  it('replay copies a type-stream entry to its stream and the global stream, with replayed_from', async () => {
    const { ks, key, ids } = await arrange();
    const bin = (await r.xadd(
      key,
      '*',
      'event',
      '{"event_type":"asset.processed"}',
      'blob',
      Buffer.from([0xff, 0x00, 0x80]),
    )) as string;
    const s = sink();
    const cmd = createCommands({ client: r, keys: ks, emit: s.emit });
    const before = await r.xlen(ks.globalStream);
    await cmd.run({ kind: 'replay', stream: key, group: '', ids: [ids[1], bin, '1-1'] });
    expect(s.msgs).toEqual([
      expect.objectContaining({
        type: 'CommandCompleted',
        command: 'replay',
        requested: 3,
        affected: 2,
      }),
    ]);
    expect((s.msgs[0] as { detail: string }).detail).toMatch(/1 no longer exist/);
    const copies = (await r.xrangeBuffer(key, '-', '+')).slice(-2);
    expect(copies.map(([, f]) => f.map((b) => b.toString('latin1')))).toEqual([
      ['event', (await r.xrange(key, ids[1], ids[1]))[0][1][1], 'replayed_from', ids[1]],
      ['event', '{"event_type":"asset.processed"}', 'blob', '\xff\x00\x80', 'replayed_from', bin],
    ]);
    const globals = await r.xrange(ks.globalStream, '-', '+');
    expect(globals.length).toBe(before + 2);
    expect(globals.at(-2)![1]).toEqual([
      'event',
      JSON.stringify({ n: 1, event_type: 'asset.processed' }),
      'type',
      'asset.processed',
      'replayed_from',
      ids[1],
    ]);
  });

  it('replay of a foreign or global stream entry stays in that stream', async () => {
    const { ks } = await arrange();
    const [first] = await r.xrange(ks.globalStream, '-', '+', 'COUNT', 1);
    const before = await r.xlen(ks.globalStream);
    const cmd = createCommands({ client: r, keys: ks, emit: () => {} });
    await cmd.run({ kind: 'replay', stream: ks.globalStream, group: '', ids: [first[0]] });
    const last = (await r.xrevrange(ks.globalStream, '+', '-', 'COUNT', 1))[0];
    expect(await r.xlen(ks.globalStream)).toBe(before + 1);
    expect(last[1]).toEqual([...first[1], 'replayed_from', first[0]]);
  });

  it('read-only: every mutation is refused, nothing is sent, the server is unchanged', async () => {
    const { ks, key, ids } = await arrange();
    const before = await state(key, ks.globalStream);
    // Never connected: if any command were sent, the lazy client would have to connect.
    const lazy = new Redis(redisUrl(), { lazyConnect: true });
    const s = sink();
    const cmd = createCommands({ client: lazy, keys: ks, emit: s.emit, readOnly: true });
    expect(cmd.readOnly).toBe(true);
    expect(cmd.readOnlyReason).toMatch(/read-only/);
    await cmd.run({ kind: 'ack', stream: key, group: 'g', ids });
    await cmd.run({ kind: 'claim', stream: key, group: 'g', consumer: 'x', ids });
    await cmd.run({ kind: 'replay', stream: key, group: '', ids });
    expect(s.msgs.map((m) => [m.type, (m as { error?: { code: string } }).error?.code])).toEqual([
      ['CommandFailed', 'READ_ONLY'],
      ['CommandFailed', 'READ_ONLY'],
      ['CommandFailed', 'READ_ONLY'],
    ]);
    expect(lazy.status).toBe('wait');
    expect(await state(key, ks.globalStream)).toEqual(before);
  });

  it('reports NOPERM clearly for an ACL user without write permission', async () => {
    const server = await startRedisServer({
      config: ['user limited on >pw ~* &* +@read +@connection -@write'],
    });
    const admin = new Redis(server.url);
    const limited = new Redis(`redis://limited:pw@127.0.0.1:${server.port}`, {
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
    });
    try {
      const ks = createKeySpace('acl:events:');
      const key = ks.typeStream('t');
      const id = (await admin.xadd(key, '*', 'event', '{}')) as string;
      await admin.xgroup('CREATE', key, 'g', '0');
      await admin.xreadgroup('GROUP', 'g', 'c', 'STREAMS', key, '>');
      const s = sink();
      const cmd = createCommands({ client: limited, keys: ks, emit: s.emit });
      expect(cmd.readOnly).toBe(false);
      await cmd.probePermissions();
      expect(cmd.readOnly).toBe(true);
      expect(cmd.readOnlyReason).toBe(
        'ACL: the Redis user may not run XACK, XCLAIM, XADD, XGROUP, XDEL',
      );
      // An admin's probe finds nothing missing and leaves no key behind.
      const full = createCommands({ client: admin, keys: ks, emit: s.emit });
      await full.probePermissions();
      expect([full.readOnly, full.readOnlyReason]).toEqual([false, null]);
      expect(await admin.exists(`${ks.prefix}__streamscope_probe__`)).toBe(0);
      await cmd.run({ kind: 'ack', stream: key, group: 'g', ids: [id] });
      await cmd.run({ kind: 'claim', stream: key, group: 'g', consumer: 'other', ids: [id] });
      await cmd.run({ kind: 'replay', stream: key, group: '', ids: [id] });
      const failed = s.of('CommandFailed');
      expect(failed.map((m) => m.error.code)).toEqual(['NOPERM', 'NOPERM', 'NOPERM']);
      expect(failed[0].error.message).toMatch(/may not run XACK/);
      expect(failed[2].error.message).toMatch(/may not run XADD/);
      expect(failed.some((m) => m.error.message.includes('pw'))).toBe(false);
      expect(cmd.readOnly).toBe(true);
      expect(cmd.readOnlyReason).toMatch(/ACL/);
      expect(await admin.xpending(key, 'g')).toEqual([1, id, id, [['c', '1']]]);
      expect(await admin.xlen(key)).toBe(1);
    } finally {
      admin.disconnect();
      limited.disconnect();
      await server.stop();
    }
  });

  it('a user who may XACK but not XCLAIM: only claim is denied, and refused without sending', async () => {
    const server = await startRedisServer({ config: ['user partial on >pw ~* &* +@all -xclaim'] });
    const admin = new Redis(server.url);
    const partial = new Redis(`redis://partial:pw@127.0.0.1:${server.port}`, {
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
    });
    const xclaimCalls = async () => {
      const line =
        ((await admin.info('commandstats')) as string)
          .split('\n')
          .find((l) => l.startsWith('cmdstat_xclaim:')) ?? '';
      return {
        calls: Number(/calls=(\d+)/.exec(line)?.[1] ?? 0),
        rejected: Number(/rejected_calls=(\d+)/.exec(line)?.[1] ?? 0),
      };
    };
    try {
      const ks = createKeySpace('partial:events:');
      const key = ks.typeStream('t');
      const ids = [
        (await admin.xadd(key, '*', 'event', '{}')) as string,
        (await admin.xadd(key, '*', 'event', '{}')) as string,
      ];
      await admin.xgroup('CREATE', key, 'g', '0');
      await admin.xreadgroup('GROUP', 'g', 'c', 'STREAMS', key, '>');
      const s = sink();
      const cmd = createCommands({ client: partial, keys: ks, emit: s.emit });
      await cmd.probePermissions();
      // delconsumer claims the consumer's entries first, so it needs XCLAIM too; undo may claim
      // entries back to their previous owners.
      expect([...cmd.deniedCommands]).toEqual(['claim', 'delconsumer', 'undo']);
      expect(cmd.readOnly).toBe(false);
      expect(cmd.readOnlyReason).toBe('ACL: the Redis user may not run XCLAIM');
      const before = await xclaimCalls();
      await cmd.run({ kind: 'claim', stream: key, group: 'g', consumer: 'other', ids: [ids[0]] });
      expect(s.of('CommandFailed').map((m) => [m.command, m.error.code])).toEqual([
        ['claim', 'NOPERM'],
      ]);
      expect(s.of('CommandFailed')[0].error.message).toMatch(
        /may not run XCLAIM .*Nothing was sent/,
      );
      expect(await xclaimCalls()).toEqual(before);
      await cmd.run({ kind: 'ack', stream: key, group: 'g', ids: [ids[0]] });
      expect(s.of('CommandCompleted').map((m) => [m.command, m.affected])).toEqual([['ack', 1]]);
      expect(await admin.xpending(key, 'g')).toEqual([1, ids[1], ids[1], [['c', '1']]]);
    } finally {
      admin.disconnect();
      partial.disconnect();
      await server.stop();
    }
  });
});
