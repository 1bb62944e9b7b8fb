import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRule, type PelRule } from '../../src/core/pel-rule.js';
import { parseSetIdTarget, type SetIdTarget } from '../../src/core/setid-target.js';
import { startRedisServer } from '../../src/local-redis/private-redis.js';
import { ackEntries } from '../../src/monitor/bulk/ack-claim.js';
import { performAction } from '../../src/monitor/bulk/perform.js';
import { refusalFor } from '../../src/monitor/bulk/permissions.js';
import {
  planClaim,
  planDeadLetter,
  planGroupSetId,
  planRedrive,
} from '../../src/monitor/bulk/plans.js';
import { planUndo } from '../../src/monitor/bulk/undo.js';
import { Journal } from '../../src/monitor/journal.js';
import { rawClient, uniquePrefix } from '../helpers/context.js';
import { arrangeHeld, bulkContext, pendingOf } from './bulk-helpers.js';

const r = rawClient();
const dir = mkdtempSync(join(tmpdir(), 'undo-'));
afterAll(() => {
  r.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const rule = (text: string): PelRule => {
  const p = parseRule(text);
  if (!p.ok) throw new Error(p.error);
  return p.rule;
};
const target = (text: string): SetIdTarget => {
  const p = parseSetIdTarget(text);
  if (!p.ok) throw new Error(p.error);
  return p.target;
};
const env = (name: string) => ({
  journal: new Journal(join(dir, name, 'journal.ndjson')),
  server: 'redis://u:pw@127.0.0.1:1',
  user: 'default',
});
async function groupInfo(stream: string, name = 'g') {
  const groups = (await r.call('XINFO', 'GROUPS', stream)) as unknown[][];
  const g = groups
    .map((row) => {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < row.length; i += 2) o[String(row[i])] = row[i + 1];
      return o;
    })
    .find((o) => o.name === name)!;
  return { last: g['last-delivered-id'], read: g['entries-read'], lag: g.lag };
}

describe('undo restores the before-state', () => {
  it('claim → claim back to the previous owners (journal side file over 1,000 IDs)', async () => {
    const prefix = uniquePrefix('uclaim');
    const ctx = bulkContext(r, prefix);
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 1500, 'dead-1', 'g', ['w2', 'w3']);
    await r.xclaim(stream, 'g', 'w3', 0, ...ids.slice(0, 100), 'JUSTID');
    const e = env('claim');
    const plan = await planClaim(ctx, { stream, group: 'g', rule: rule('all'), to: 'w2' });
    const done = await performAction(ctx, plan, e);
    expect(done.summary).toMatch(/^claimed 1500 of 1500 for w2 \(journal \S+\)$/);
    expect((await pendingOf(r, stream)).by).toEqual({ w2: 1500 });
    expect(done.record?.idsFile).toBeDefined();
    const undo = await planUndo(ctx, e.journal, done.record!.id);
    expect(undo.preview.summary).toBe(
      `undo ${done.record!.id}: claim 1500 entries of ${stream} (g) back from w2 to their previous owners`,
    );
    expect(undo.preview.details).toEqual(['to: dead-1 (1400), w3 (100)']);
    const undone = await performAction(ctx, undo, e);
    expect(undone.result.done).toBe(1500);
    expect((await pendingOf(r, stream)).by).toEqual({ 'dead-1': 1400, w3: 100 });
    await expect(planUndo(ctx, e.journal, done.record!.id)).rejects.toThrow(/already undone by/);
  });

  it('setid → back to the previous last-delivered-id and entries-read', async () => {
    const prefix = uniquePrefix('usetid');
    const ctx = bulkContext(r, prefix);
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 10);
    await r.xgroup('CREATE', stream, 'audit', ids[3]);
    const e = env('setid');
    const before = await groupInfo(stream);
    expect(before).toEqual({ last: ids[9], read: 10, lag: 0 });

    const back = await planGroupSetId(ctx, { stream, group: 'g', target: target(ids[4]) });
    expect(back.preview.summary).toBe(
      `setid g on ${stream}: ${ids[9]} → ${ids[4]}: 5 entries will be delivered again`,
    );
    expect(back.preview.details).toEqual([
      'entries-read 10 → 5',
      'pending entries are unaffected (10 stay pending with their consumers)',
    ]);
    const done = await performAction(ctx, back, e);
    expect(await groupInfo(stream)).toEqual({ last: ids[4], read: 5, lag: 5 });
    expect((await pendingOf(r, stream)).count).toBe(10);

    const undone = await performAction(ctx, await planUndo(ctx, e.journal, done.record!.id), e);
    expect(undone.result.done).toBe(1);
    expect(await groupInfo(stream)).toEqual(before);

    const start = await planGroupSetId(ctx, { stream, group: 'g', target: target('0') });
    expect(start.preview.summary).toContain('10 entries will be delivered again');
    await start.run();
    expect(await groupInfo(stream)).toEqual({ last: '0-0', read: 0, lag: 10 });
    const other = await planGroupSetId(ctx, { stream, group: 'g', target: target('group:audit') });
    expect(other.preview.summary).toContain('4 entries will be skipped');
    await other.run();
    expect(await groupInfo(stream)).toEqual(await groupInfo(stream, 'audit'));
    const end = await planGroupSetId(ctx, { stream, group: 'g', target: target('$') });
    await end.run();
    expect(await groupInfo(stream)).toEqual(before);
    const ago = await planGroupSetId(ctx, { stream, group: 'g', target: target('-1h') });
    expect(ago.preview.summary).toContain('10 entries will be delivered again');
    await expect(
      planGroupSetId(ctx, { stream, group: 'g', target: target('group:nope') }),
    ).rejects.toThrow('no group "nope" on');
    await expect(
      planGroupSetId(ctx, { stream, group: 'g', target: target('99999999999999-0') }),
    ).rejects.toThrow(/is after the last entry/);
  });

  it('setid to a time lands after the last entry before it, named by its ID', async () => {
    const ctx = bulkContext(r, uniquePrefix('usetidt'));
    const stream = ctx.keys.typeStream('t');
    for (const id of ['1000-0', '2000-0', '2000-1', '3000-0']) await r.xadd(stream, id, 'n', id);
    await r.xgroup('CREATE', stream, 'g', '0');
    await r.xreadgroup('GROUP', 'g', 'c', 'STREAMS', stream, '>');
    const at = await planGroupSetId(ctx, {
      stream,
      group: 'g',
      target: target('1970-01-01T00:00:02.500Z'),
    });
    // Not `2499-18446744073709551615`: the entry the position follows.
    expect(at.preview.summary).toBe(
      `setid g on ${stream}: 3000-0 → 2000-1: 1 entry will be delivered again`,
    );
    expect(at.preview.details[0]).toBe('entries-read 4 → 3');
    // Exactly on an entry's millisecond: that entry comes again too.
    const on = await planGroupSetId(ctx, {
      stream,
      group: 'g',
      target: target('1970-01-01T00:00:02Z'),
    });
    expect(on.preview.summary).toContain('3000-0 → 1000-0: 3 entries will be delivered again');
    // Before the first entry: the start.
    const early = await planGroupSetId(ctx, {
      stream,
      group: 'g',
      target: target('1970-01-01T00:00:00.500Z'),
    });
    expect(early.preview.summary).toContain('3000-0 → 0-0: 4 entries will be delivered again');
    await early.run();
    expect(await groupInfo(stream)).toEqual({ last: '0-0', read: 0, lag: 4 });
  });

  it('deadletter → redrive; redrive is byte-identical and undo moves copies back', async () => {
    const prefix = uniquePrefix('udlq');
    const ctx = bulkContext(r, prefix);
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 20);
    const e = env('dlq');
    const dl = await performAction(
      ctx,
      await planDeadLetter(ctx, { stream, group: 'g', rule: rule('all'), reason: 'poison' }),
      e,
    );
    expect(dl.result.done).toBe(20);
    const dlqKey = ctx.keys.deadLetterStream('t');
    const undo = await planUndo(ctx, e.journal, dl.record!.id);
    expect(undo.preview.summary).toMatch(/^undo \S+: redrive 20 entries from /);
    const red = await performAction(ctx, undo, e);
    expect(red.result.done).toBe(20);
    expect(await r.xlen(dlqKey)).toBe(0);
    // 20 originals + 20 redriven copies, each copy's `event` byte-identical to its original.
    const all = (await r.xrangeBuffer(stream, '-', '+')) as [Buffer, Buffer[]][];
    expect(all).toHaveLength(40);
    for (let i = 0; i < 20; i++) {
      const copy = all[20 + i][1];
      expect(copy[0].toString()).toBe('event');
      expect(copy[1].equals(all[i][1][1])).toBe(true);
      expect(copy[2].toString()).toBe('redriven_from');
    }
    expect(all[0][0].toString()).toBe(ids[0]);
    // An undo is not undone.
    await expect(planUndo(ctx, e.journal, red.record!.id)).rejects.toThrow(/cannot be undone/);
  });

  it('redrive → undo moves the copies back to the dead-letter stream', async () => {
    const prefix = uniquePrefix('ured');
    const ctx = bulkContext(r, prefix);
    const { stream } = await arrangeHeld(r, ctx.keys, 5);
    const e = env('red');
    await performAction(
      ctx,
      await planDeadLetter(ctx, { stream, group: 'g', rule: rule('all'), reason: 'why' }),
      e,
    );
    const dlqKey = ctx.keys.deadLetterStream('t');
    const red = await performAction(ctx, await planRedrive(ctx, { dlqKey, ids: null }), e);
    expect(red.result.done).toBe(5);
    expect(await r.xlen(stream)).toBe(10);
    const back = await performAction(ctx, await planUndo(ctx, e.journal, red.record!.id), e);
    expect(back.result.done).toBe(5);
    expect(await r.xlen(stream)).toBe(5);
    expect(await r.xlen(dlqKey)).toBe(5);
    const [[, flat]] = (await r.xrange(dlqKey, '-', '+', 'COUNT', 1)) as [string, string[]][];
    expect(flat.slice(0, 12)).toEqual([
      'dlq_original_id',
      expect.any(String),
      'dlq_stream',
      stream,
      'dlq_group',
      'g',
      'dlq_consumer',
      'dead-1',
      'dlq_reason',
      'why',
      'dlq_delivery_count',
      '1',
    ]);
    expect(flat.slice(12)).toEqual(['event', '{"n":0}']);
  });

  it('ack cannot be undone; read-only and a missing ACL permission refuse before sending', async () => {
    const prefix = uniquePrefix('uack');
    const ctx = bulkContext(r, prefix);
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 3);
    const e = env('ack');
    const rec = await e.journal.append({
      server: 'redis://x',
      user: null,
      verb: 'ack',
      stream,
      group: 'g',
      count: 3,
      ids,
      before: null,
      outcome: { ok: true, cancelled: false, done: 3, vanished: 0, summary: 'x' },
    });
    await expect(planUndo(ctx, e.journal, rec.id)).rejects.toThrow(
      'ack cannot be undone: Redis cannot un-acknowledge an entry',
    );
    await expect(planUndo(ctx, e.journal, 'nope')).rejects.toThrow(/no journal record "nope"/);
    expect(await refusalFor(ctx, 'ack', true)).toBe(
      'read-only mode: ack refused, nothing was sent to Redis',
    );
    expect(await refusalFor(ctx, 'claim', false)).toBeNull();
  });
});

describe('NOPERM', () => {
  it('is found by the probe, and mid-bulk stops the run saying how much was done', async () => {
    const server = await startRedisServer({
      config: ['user limited on >pw ~* &* +@read +@connection +xclaim -xack'],
    });
    const admin = new Redis(server.url);
    const ops = new Redis(`redis://ops:pw2@127.0.0.1:${server.port}`, { lazyConnect: true });
    try {
      const limited = new Redis(`redis://limited:pw@127.0.0.1:${server.port}`);
      const lctx = { ...bulkContext(limited, 'p:events:'), secrets: ['pw'] };
      expect(await refusalFor(lctx, 'ack', false)).toBe(
        'the Redis user may not run XACK (ack refused by ACL). Grant it with ACL SETUSER, or use --read-only.',
      );
      expect(await refusalFor(lctx, 'claim', false)).toBeNull();
      limited.disconnect();

      await admin.call('ACL', 'SETUSER', 'ops', 'on', '>pw2', '~*', '&*', '+@all');
      await ops.connect();
      const ctx = bulkContext(ops, 'p:events:');
      const { stream, ids } = await arrangeHeld(admin, ctx.keys, 2500);
      const res = await ackEntries(ctx, stream, 'g', ids, {
        onProgress: (p) => {
          if (p.done === 1000) void admin.call('ACL', 'SETUSER', 'ops', '-xack');
        },
      });
      // The ACL change races the next batch: at least one batch done, then NOPERM.
      expect(res.error?.code).toBe('NOPERM');
      expect(res.done).toBeGreaterThanOrEqual(1000);
      expect(res.done).toBeLessThan(2500);
      expect((await pendingOf(admin, stream)).count).toBe(2500 - res.done);
    } finally {
      admin.disconnect();
      ops.disconnect();
      await server.stop();
    }
  });
});
