import { describe, expect, it } from 'vitest';
import { monitorEventsFromRedis } from '../../src/bus/monitor-events.js';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { rawClient, redisUrl, uniquePrefix, waitFor } from '../helpers/context.js';

async function setup() {
  const prefix = uniquePrefix('mon');
  const p = new EventPersistence({ redisUrl: redisUrl(), streamPrefix: prefix });
  await p.connect();
  return { p, prefix };
}

describe('monitorEventsFromRedis', () => {
  it('defect 3: prints events as they arrive from <prefix>all, filters types, joins no consumer group', async () => {
    const { p, prefix } = await setup();
    await p.persistEvent({ eventType: 'before', data: {} }); // published before start: not shown ($ resolved first)
    const lines: string[] = [];
    const ac = new AbortController();
    const done = monitorEventsFromRedis(['asset.discovered', 'odd'], {
      redisUrl: redisUrl(),
      streamPrefix: prefix,
      signal: ac.signal,
      blockMs: 100,
      output: (l) => lines.push(l),
    });
    await new Promise((r) => setTimeout(r, 100));
    const id = await p.persistEvent({
      eventType: 'asset.discovered',
      data: { file_path: '/a.png' },
      source: 'scanner',
    });
    await p.persistEvent({ eventType: 'skipped', data: {} });
    const redis = rawClient();
    try {
      await redis.xadd(`${prefix}all`, '*', 'type', 'odd', 'raw', 'bell\x07\x1b[31mred\u009b2J');
      await waitFor(() => lines.length === 2);
      expect(lines[0]).toMatch(
        /^\d+-\d+ asset\.discovered \[scanner\] \{"file_path":"\/a\.png"\}$/,
      );
      // JSON escapes C0 controls; the sanitizer makes the C1 CSI (0x9b) visible too.
      expect(lines[1]).toMatch(/^\d+-\d+ odd type="odd" raw="bell\\u0007\\u001b\[31mred\\x9b2J"$/);
      expect(lines[1]).not.toMatch(/[\x00-\x1f]/);
      // Never a consumer group on any stream.
      expect(await redis.xinfo('GROUPS', `${prefix}all`)).toEqual([]);
      expect(await redis.xinfo('GROUPS', `${prefix}asset.discovered`)).toEqual([]);
      void id;
    } finally {
      redis.disconnect();
    }
    const t0 = Date.now();
    ac.abort();
    expect(await done).toBe(2);
    expect(Date.now() - t0).toBeLessThan(200);
    await p.disconnect();
  });

  it('json: one JSON object per line, foreign entries with raw fields', async () => {
    const { p, prefix } = await setup();
    const lines: string[] = [];
    const ac = new AbortController();
    const done = monitorEventsFromRedis(undefined, {
      redisUrl: redisUrl(),
      streamPrefix: prefix,
      json: true,
      signal: ac.signal,
      blockMs: 100,
      output: (l) => lines.push(l),
    });
    await new Promise((r) => setTimeout(r, 100));
    await p.persistEvent({ eventType: 'j', data: { k: 'v' } });
    const redis = rawClient();
    await redis.xadd(`${prefix}all`, '*', 'temperature', '21');
    redis.disconnect();
    await waitFor(() => lines.length === 2);
    const [a, b] = lines.map((l) => JSON.parse(l));
    expect(a).toMatchObject({
      type: 'j',
      event: { eventType: 'j', data: { k: 'v' }, version: '1.0.0' },
    });
    expect(b).toMatchObject({ type: null, event: null, fields: { temperature: '21' } });
    ac.abort();
    await done;
    await p.disconnect();
  });

  it('a stopped server → UNREACHABLE at once', async () => {
    await expect(
      monitorEventsFromRedis(undefined, { redisUrl: 'redis://127.0.0.1:1', output: () => {} }),
    ).rejects.toMatchObject({ code: 'UNREACHABLE' });
  });
});
