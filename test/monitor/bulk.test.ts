import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseRule, type PelRule } from '../../src/core/pel-rule.js';
import { readDeadLetters } from '../../src/streams/dead-letters.js';
import { ackEntries, claimEntries } from '../../src/monitor/bulk/ack-claim.js';
import { deadLetterEntries } from '../../src/monitor/bulk/dead-letter.js';
import { scanPel } from '../../src/monitor/bulk/pel-scan.js';
import { planAck, planClaim, planConsumerDelete } from '../../src/monitor/bulk/plans.js';
import { rawClient, uniquePrefix } from '../helpers/context.js';
import { arrangeHeld, bulkContext, pendingOf } from './bulk-helpers.js';
import { createKeySpace } from '../../src/core/keys.js';
import type { MonitorMessage } from '../../src/core/messages.js';
import { createCommands } from '../../src/monitor/commands.js';
import { Journal } from '../../src/monitor/journal.js';
import { planUndo } from '../../src/monitor/bulk/undo.js';

const r = rawClient();
afterAll(() => r.disconnect());

const rule = (text: string): PelRule => {
  const p = parseRule(text);
  if (!p.ok) throw new Error(p.error);
  return p.rule;
};

describe('PEL scan by rule', () => {
  it('reads the whole PEL in pages, filtered by consumer, idle and ID', async () => {
    const prefix = uniquePrefix('scan');
    const ctx = bulkContext(r, prefix);
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 2500);
    await r.xclaim(stream, 'g', 'w2', 0, ...ids.slice(0, 10), 'JUSTID');
    expect(await scanPel(ctx, stream, 'g', rule('all'), { pageSize: 300 })).toHaveLength(2500);
    const dead = await scanPel(ctx, stream, 'g', rule('consumer=dead-1'), { pageSize: 300 });
    expect(dead).toHaveLength(2490);
    expect(dead[0].id).toBe(ids[10]);
    expect(await scanPel(ctx, stream, 'g', rule(`id<=${ids[99]} consumer=w2`))).toHaveLength(10);
    expect(await scanPel(ctx, stream, 'g', rule('idle>1h'))).toHaveLength(0);
    expect(await scanPel(ctx, stream, 'g', rule('deliveries>=1 idle<1h'))).toHaveLength(2500);
    await expect(scanPel(ctx, stream, 'nope', rule('all'))).rejects.toMatchObject({
      code: 'NOGROUP',
    });
  });
});

describe('bulk ack and claim', () => {
  it('acks in XACK calls of at most 1,000 IDs; vanished entries are counted, not errors', async () => {
    const prefix = uniquePrefix('ack');
    const ctx = bulkContext(r, prefix);
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 2500);
    await r.xack(stream, 'g', ids[5], ids[2000]); // a worker acked two meanwhile
    const spy = vi.spyOn(r, 'xack');
    const progress: number[] = [];
    const res = await ackEntries(ctx, stream, 'g', ids, {
      onProgress: (p) => progress.push(p.done),
    });
    const sizes = spy.mock.calls.map((c) => c.length - 2);
    spy.mockRestore();
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(progress).toEqual([1000, 2000, 2500]);
    expect(res).toMatchObject({ requested: 2500, done: 2498, vanished: 2, error: null });
    expect((await pendingOf(r, stream)).count).toBe(0);
  });

  it('a group deleted mid-bulk stops with NOGROUP and says how much was done', async () => {
    const prefix = uniquePrefix('nogroup');
    const ctx = bulkContext(r, prefix);
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 2500);
    const res = await ackEntries(ctx, stream, 'g', ids, {
      onProgress: (p) => {
        if (p.done === 1000) void r.xgroup('DESTROY', stream, 'g');
      },
    });
    expect(res.done).toBe(1000);
    expect(res.error?.code).toBe('NOGROUP');
    const claim = await claimEntries(ctx, stream, 'g', 'w2', ids);
    expect(claim.error?.code).toBe('NOGROUP');
    expect(claim.done).toBe(0);
  });

  it('cancellation stops between batches; what was done stays done', async () => {
    const prefix = uniquePrefix('cancel');
    const ctx = bulkContext(r, prefix);
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 3000);
    const ac = new AbortController();
    const res = await claimEntries(ctx, stream, 'g', 'w2', ids, {
      signal: ac.signal,
      onProgress: () => ac.abort(),
    });
    expect(res).toMatchObject({ done: 1000, cancelled: true, error: null });
    expect((await pendingOf(r, stream)).by).toEqual({ 'dead-1': 2000, w2: 1000 });
  });

  it('claim: default target is the most recently active other consumer; an unknown one is refused', async () => {
    const prefix = uniquePrefix('claim');
    const ctx = bulkContext(r, prefix);
    const { stream } = await arrangeHeld(r, ctx.keys, 50, 'dead-1', 'g', ['old', 'fresh']);
    await new Promise((res) => setTimeout(res, 30));
    await r.xreadgroup('GROUP', 'g', 'fresh', 'COUNT', 1, 'STREAMS', stream, '>'); // active now
    const plan = await planClaim(ctx, {
      stream,
      group: 'g',
      rule: rule('consumer=dead-1'),
      to: null,
    });
    expect(plan.preview.summary).toBe(
      `claim 50 entries of ${stream} in group g for fresh (rule: consumer=dead-1)`,
    );
    expect(plan.preview.details).toEqual([
      'held by: dead-1 (50)',
      'target: fresh (the most recently active consumer holding none of them)',
    ]);
    expect(plan.preview.undoable).toBe(true);
    const res = await plan.run();
    expect(plan.describe(res)).toBe('claimed 50 of 50 for fresh');
    expect((await pendingOf(r, stream)).by).toEqual({ fresh: 50 });
    await expect(
      planClaim(ctx, { stream, group: 'g', rule: rule('all'), to: 'fersh' }),
    ).rejects.toThrow(
      'no consumer "fersh" in group g (consumers: dead-1, fresh, old); claim targets an existing consumer',
    );
  });

  it('ack preview says it cannot be undone', async () => {
    const prefix = uniquePrefix('ackplan');
    const ctx = bulkContext(r, prefix);
    const { stream } = await arrangeHeld(r, ctx.keys, 7);
    const plan = await planAck(ctx, { stream, group: 'g', rule: rule('all') });
    expect(plan.preview).toMatchObject({
      count: 7,
      undoable: false,
      undoNote: 'Redis cannot un-acknowledge an entry',
    });
  });
});

describe('bulk dead-letter', () => {
  it('copies the exact bytes with origin fields and acks in one MULTI; never an ack without a copy', async () => {
    const prefix = uniquePrefix('dlq');
    const ctx = bulkContext(r, prefix);
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 450);
    const binary = Buffer.from([0xff, 0x00, 0xc3, 0x28]);
    // One entry with a binary value, re-read so it is pending for dead-1 too.
    const bid = String(await r.xadd(stream, '*', 'event', binary));
    await r.xreadgroup('GROUP', 'g', 'dead-1', 'STREAMS', stream, '>');
    await r.xack(stream, 'g', ids[3]); // acked by a worker: vanished, not copied
    const all = [...ids, bid];
    const res = await deadLetterEntries(ctx, stream, 'g', all, 'poison');
    expect(res).toMatchObject({ requested: 451, done: 450, vanished: 1, error: null });
    expect((await pendingOf(r, stream)).count).toBe(0);
    const dlqKey = createKeySpace(prefix).deadLetterStream('t');
    expect(await r.xlen(dlqKey)).toBe(450);
    const letters = await readDeadLetters(
      { client: r, display: 'x', secrets: [] } as never,
      dlqKey,
      { count: 2 },
    );
    expect(letters[0]).toMatchObject({
      originalStream: stream,
      originalId: ids[0],
      group: 'g',
      consumer: 'dead-1',
      reason: 'poison',
      deliveryCount: 1,
      fields: { event: '{"n":0}' },
    });
    const copy = (res.detail.deadLetters as Record<string, string>)[bid];
    const [[, flat]] = (await r.xrangeBuffer(dlqKey, copy, copy)) as [Buffer, Buffer[]][];
    expect(flat[flat.length - 1].equals(binary)).toBe(true);
  });
});

describe('consumer delete', () => {
  it('refuses a consumer holding entries unless they move first; then deletes it', async () => {
    const prefix = uniquePrefix('delc');
    const ctx = bulkContext(r, prefix);
    const { stream } = await arrangeHeld(r, ctx.keys, 30);
    await expect(
      planConsumerDelete(ctx, { stream, group: 'g', consumer: 'dead-1', moveTo: null }),
    ).rejects.toThrow(
      'consumer dead-1 still holds 30 pending entries: deleting it would drop them. Claim them to another consumer first: --move-to <consumer> (e.g. --move-to w2)',
    );
    // The monitor's words: what to type there (the CLI flag means nothing on the `:` line).
    await expect(
      planConsumerDelete(ctx, {
        stream,
        group: 'g',
        consumer: 'dead-1',
        moveTo: null,
        audience: 'monitor',
      }),
    ).rejects.toThrow(
      'consumer dead-1 still holds 30 pending entries: deleting it would drop them. Move them first: :delconsumer dead-1 to=w2, or :mark consumer=dead-1 then c (claim) or d (dead-letter)',
    );
    await expect(
      planConsumerDelete(ctx, { stream, group: 'g', consumer: 'ghost', moveTo: null }),
    ).rejects.toThrow('no consumer "ghost" in group g (consumers: dead-1, w2)');
    const plan = await planConsumerDelete(ctx, {
      stream,
      group: 'g',
      consumer: 'dead-1',
      moveTo: 'w2',
    });
    expect(plan.preview.summary).toBe(
      `delete consumer dead-1 of group g on ${stream}, after claiming its 30 entries to w2`,
    );
    const res = await plan.run();
    expect(plan.describe(res)).toBe('deleted consumer dead-1; 30 entries claimed to w2');
    expect((await pendingOf(r, stream)).by).toEqual({ w2: 30 });
    const names = ((await r.call('XINFO', 'CONSUMERS', stream, 'g')) as unknown[][]).map(
      (c) => c[1],
    );
    expect(names).toEqual(['w2']);
  });
});

describe('the bulk kinds in the command-kind table', () => {
  it('run through the commands port (deadletter, setid); read-only refuses them', async () => {
    const prefix = uniquePrefix('port');
    const ctx = bulkContext(r, prefix);
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 5);
    const msgs: MonitorMessage[] = [];
    const cmd = createCommands({ client: r, keys: ctx.keys, emit: (m) => msgs.push(m) });
    await cmd.run({ kind: 'deadletter', stream, group: 'g', ids: ids.slice(0, 2), reason: 'bad' });
    await cmd.run({ kind: 'setid', stream, group: 'g', ids: [], target: ids[1] });
    expect(msgs.map((m) => m.type)).toEqual(['CommandCompleted', 'CommandCompleted']);
    expect((msgs[0] as { detail: string }).detail).toBe(
      `dead-lettered 2 of 2 to ${ctx.keys.deadLetterStream('t')}`,
    );
    expect((await pendingOf(r, stream)).count).toBe(3);
    expect(await r.xlen(ctx.keys.deadLetterStream('t'))).toBe(2);
    const ro = createCommands({
      client: r,
      keys: ctx.keys,
      emit: (m) => msgs.push(m),
      readOnly: true,
    });
    await ro.run({ kind: 'redrive', stream: ctx.keys.deadLetterStream('t'), group: '', ids: [] });
    expect(msgs[2]).toMatchObject({ type: 'CommandFailed', error: { code: 'READ_ONLY' } });
  });
});

describe('the monitor keys write the journal', () => {
  it('a claim through the commands port appends a line with the previous owners; undo restores them', async () => {
    const prefix = uniquePrefix('tuij');
    const ctx = bulkContext(r, prefix);
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 6, 'dead-1', 'g', ['w2', 'w3']);
    await r.xclaim(stream, 'g', 'w3', 0, ids[0], 'JUSTID');
    const dir = mkdtempSync(join(tmpdir(), 'tuij-'));
    try {
      const journal = new Journal(join(dir, 'journal.ndjson'));
      const cmd = createCommands({
        client: r,
        keys: ctx.keys,
        emit: () => {},
        journal: {
          journal,
          server: 'redis://u:sec@h:1',
          secrets: ['sec'],
          user: 'ops',
          lastError: null,
        },
      });
      await cmd.run({ kind: 'claim', stream, group: 'g', ids, consumer: 'w2' });
      expect((await pendingOf(r, stream)).by).toEqual({ w2: 6 });
      const { records } = await journal.list();
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        verb: 'claim',
        server: 'redis://u:***@h:1',
        user: 'ops',
        count: 6,
        before: { target: 'w2' },
        detail: { owners: { w3: [ids[0]], 'dead-1': ids.slice(1) } },
        outcome: { ok: true, done: 6 },
      });
      const undo = await planUndo(ctx, journal, records[0].id);
      await undo.run();
      expect((await pendingOf(r, stream)).by).toEqual({ 'dead-1': 5, w3: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
