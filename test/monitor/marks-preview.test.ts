/** `:mark <rule>` over the whole PEL and the confirm dialog's preview, against a real server. */
import { afterAll, describe, expect, it } from 'vitest';
import type { MonitorMessage } from '../../src/core/messages.js';
import { createCommands } from '../../src/monitor/commands.js';
import { createQueries } from '../../src/monitor/queries.js';
import { rawClient, uniquePrefix } from '../helpers/context.js';
import { arrangeHeld, bulkContext } from './bulk-helpers.js';

const r = rawClient();
afterAll(() => r.disconnect());

describe('marks by rule and previews through the ports', () => {
  it('markPending scans the whole PEL (more than one XPENDING page), not the page on screen', async () => {
    const ctx = bulkContext(r, uniquePrefix('mark'));
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 2500, 'dead-1', 'g', ['w2']);
    await r.xclaim(stream, 'g', 'w2', 0, ids[0], ids[1], 'JUSTID');
    const msgs: MonitorMessage[] = [];
    const q = createQueries({ client: r, emit: (m) => msgs.push(m) });
    await q.markPending!(stream, 'g', 'consumer=dead-1');
    await q.markPending!(stream, 'g', 'idle>>5');
    await q.markPending!(stream, 'nope', 'all');
    const [marked, malformed, nogroup] = msgs as Extract<
      MonitorMessage,
      { type: 'PendingMarked' | 'PendingMarkFailed' }
    >[];
    expect(marked).toMatchObject({ type: 'PendingMarked', rule: 'consumer=dead-1' });
    expect((marked as { ids: string[] }).ids).toEqual(ids.slice(2));
    expect(malformed).toMatchObject({
      type: 'PendingMarkFailed',
      error: { message: 'idle: one comparison only (> >= < <=), got ">>5"' },
    });
    expect(nogroup).toMatchObject({ type: 'PendingMarkFailed', error: { code: 'NOGROUP' } });
  });

  it('preview: setid says how many are delivered again; delconsumer refuses a holder without a target', async () => {
    const ctx = bulkContext(r, uniquePrefix('prev'));
    const { stream } = await arrangeHeld(r, ctx.keys, 30, 'dead-1', 'g', ['w2']);
    const msgs: MonitorMessage[] = [];
    const cmd = createCommands({ client: r, keys: ctx.keys, emit: (m) => msgs.push(m) });
    await cmd.preview!({ kind: 'setid', stream, group: 'g', ids: [], target: '0' });
    await cmd.preview!({ kind: 'delconsumer', stream, group: 'g', ids: [], consumer: 'dead-1' });
    await cmd.preview!({
      kind: 'delconsumer',
      stream,
      group: 'g',
      ids: [],
      consumer: 'dead-1',
      moveTo: 'w2',
    });
    const [setid, refused, moving] = msgs as Extract<
      MonitorMessage,
      { type: 'CommandPreviewed' }
    >[];
    expect(setid.error).toBeNull();
    expect(setid.preview!.summary).toMatch(/30/);
    expect(setid.preview!.details.join(' ')).toMatch(/pending entries are unaffected/i);
    expect(refused.preview).toBeNull();
    expect(refused.error!.message).toMatch(/^consumer dead-1 still holds 30 pending entries/);
    expect(moving.preview!.summary).toBe(
      `delete consumer dead-1 of group g on ${stream}, after claiming its 30 entries to w2`,
    );
    // Nothing changed by a preview.
    expect(((await r.xpending(stream, 'g')) as [number])[0]).toBe(30);
  });

  it('loadDeadLetters lists every dlq stream newest first; r (redrive) from pane 5 restores the raw fields', async () => {
    const ctx = bulkContext(r, uniquePrefix('dlqpane'));
    const { stream, ids } = await arrangeHeld(r, ctx.keys, 3, 'dead-1', 'g', ['w2']);
    const msgs: MonitorMessage[] = [];
    const cmd = createCommands({ client: r, keys: ctx.keys, emit: (m) => msgs.push(m) });
    await cmd.run({ kind: 'deadletter', stream, group: 'g', ids, reason: 'poison' });
    const q = createQueries({ client: r, emit: (m) => msgs.push(m), keys: ctx.keys });
    await q.loadDeadLetters!();
    const loaded = msgs.find((m) => m.type === 'DeadLettersLoaded') as Extract<
      MonitorMessage,
      { type: 'DeadLettersLoaded' }
    >;
    expect(loaded.rows.map((x) => x.originalId)).toEqual([...ids].reverse());
    expect(loaded.rows[0]).toMatchObject({
      dlqKey: ctx.keys.deadLetterStream('t'),
      originalStream: stream,
      group: 'g',
      consumer: 'dead-1',
      deliveries: 1,
      reason: 'poison',
      summary: `event={"n":2}`,
      tombstone: false,
    });
    await cmd.run({
      kind: 'redrive',
      stream: loaded.rows[0].dlqKey,
      group: '',
      ids: [loaded.rows[0].id],
    });
    expect(msgs.at(-1)).toMatchObject({ type: 'CommandCompleted', affected: 1 });
    const last = (await r.xrevrange(stream, '+', '-', 'COUNT', 1))[0][1];
    expect(last).toEqual(['event', '{"n":2}', 'redriven_from', loaded.rows[0].id]);
    expect(await r.xlen(ctx.keys.deadLetterStream('t'))).toBe(2);
  });
});
