/**
 * The commands port as the monitor drives a bulk action: progress after each batch, the cancel
 * signal between batches, and a run stopped part-way (group deleted, NOPERM) reported in one line
 * that says how much was done.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { MonitorMessage } from '../../src/core/messages.js';
import { startRedisServer } from '../../src/local-redis/private-redis.js';
import { createCommands } from '../../src/monitor/commands.js';
import { rawClient, uniquePrefix } from '../helpers/context.js';
import { arrangeHeld, bulkContext, pendingOf } from './bulk-helpers.js';

const r = rawClient();
afterAll(() => r.disconnect());

function sink() {
  const msgs: MonitorMessage[] = [];
  return { msgs, emit: (m: MonitorMessage) => msgs.push(m) };
}

describe('bulk commands through the port', () => {
  it('claim reports progress after each batch of 1,000 and stops between batches when cancelled', async () => {
    const ctx = bulkContext(r, uniquePrefix('prog'));
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 3500, 'dead-1', 'g', ['w2']);
    const controller = new AbortController();
    const msgs: MonitorMessage[] = [];
    const cmd = createCommands({
      client: r,
      keys: ctx.keys,
      emit: (m) => {
        msgs.push(m);
        // esc after the second batch: the third does not start.
        if (m.type === 'CommandProgress' && m.done >= 2000) controller.abort();
      },
    });
    await cmd.run(
      { kind: 'claim', stream, group: 'g', consumer: 'w2', ids },
      { signal: controller.signal },
    );
    expect(msgs.map((m) => (m.type === 'CommandProgress' ? m.done : m.type))).toEqual([
      1000,
      2000,
      'CommandCompleted',
    ]);
    expect(msgs.at(-1)).toMatchObject({
      affected: 2000,
      detail: `claimed 2000 of 3500 in t / g for w2; cancelled: 1500 not attempted`,
    });
    expect((await pendingOf(r, stream)).by).toEqual({ 'dead-1': 1500, w2: 2000 });
  });

  it('a target consumer that does not exist is refused before anything moves', async () => {
    const ctx = bulkContext(r, uniquePrefix('tgt'));
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 5);
    const s = sink();
    const cmd = createCommands({ client: r, keys: ctx.keys, emit: s.emit });
    await cmd.run({ kind: 'claim', stream, group: 'g', consumer: 'w9', ids });
    expect(s.msgs).toEqual([
      expect.objectContaining({
        type: 'CommandFailed',
        error: {
          code: 'INVALID_ARGUMENT',
          message:
            'no consumer "w9" in group g (consumers: dead-1, w2); claim targets an existing consumer',
        },
      }),
    ]);
    expect((await pendingOf(r, stream)).by).toEqual({ 'dead-1': 5 });
  });

  it('a group deleted mid-bulk stops the ack with NOGROUP, saying how much was done', async () => {
    const ctx = bulkContext(r, uniquePrefix('nogroup'));
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 2500);
    const msgs: MonitorMessage[] = [];
    let destroyed: Promise<unknown> | null = null;
    const cmd = createCommands({
      client: r,
      keys: ctx.keys,
      emit: (m) => {
        msgs.push(m);
        if (m.type === 'CommandProgress' && !destroyed)
          destroyed = r.xgroup('DESTROY', stream, 'g');
      },
    });
    await cmd.run({ kind: 'ack', stream, group: 'g', ids });
    const last = msgs.at(-1)!;
    expect(last.type).toBe('CommandFailed');
    const error = (last as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('NOGROUP');
    expect(error.message).toMatch(
      /^acknowledged 1000 of 2500 in t \/ g; stopped: .*1500 not attempted$/,
    );
  });

  it('NOPERM mid-bulk: what was done stays done, the line says how much, the key is disabled', async () => {
    const server = await startRedisServer({ config: ['user u on >pw ~* &* +@all'] });
    const admin = new Redis(server.url);
    const user = new Redis(`redis://u:pw@127.0.0.1:${server.port}`, { maxRetriesPerRequest: 0 });
    try {
      const ctx = bulkContext(admin, uniquePrefix('noperm'));
      const { stream, ids } = await arrangeHeld(admin, ctx.keys, 2500);
      const msgs: MonitorMessage[] = [];
      let revoked: Promise<unknown> | null = null;
      const cmd = createCommands({
        client: user,
        keys: ctx.keys,
        emit: (m) => {
          msgs.push(m);
          if (m.type === 'CommandProgress' && !revoked)
            revoked = admin.call('ACL', 'SETUSER', 'u', '-xack');
        },
      });
      await cmd.run({ kind: 'ack', stream, group: 'g', ids });
      const last = msgs.at(-1) as { type: string; error: { code: string; message: string } };
      expect(last.type).toBe('CommandFailed');
      expect(last.error.code).toBe('NOPERM');
      expect(last.error.message).toMatch(
        /^acknowledged 1000 of 2500 in t \/ g; stopped: .* — 1500 not attempted \(the Redis user may not run XACK/,
      );
      expect(last.error.message).not.toContain('pw');
      expect((await pendingOf(admin, stream)).count).toBe(1500);
      expect([...cmd.deniedCommands]).toContain('ack');
    } finally {
      admin.disconnect();
      user.disconnect();
      await server.stop();
    }
  });
});
