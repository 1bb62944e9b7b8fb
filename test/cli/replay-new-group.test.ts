/**
 * Issue 11's "Done when": `streamscope replay --new-group` creates a group at the range start, and
 * a consumer on it receives exactly the range — the real CLI in a child process, then the
 * library's consumer with the `until` the CLI printed.
 */
import { describe, expect, it } from 'vitest';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { rawClient, redisUrl, uniquePrefix } from '../helpers/context.js';
import { cliArgs, runCli } from '../helpers/cli.js';

/** The CLI without a journal (these tests check the group, not the journal). */
const cli = (args: string[], ...more: string[]) => runCli([...args, ...more, '--no-journal']);

/** A persistence on a new prefix, connected (disconnect it). */
async function seeded(): Promise<{ p: EventPersistence; prefix: string }> {
  const prefix = uniquePrefix('ng');
  const p = new EventPersistence({ redisUrl: redisUrl(), streamPrefix: prefix, logger: () => {} });
  await p.connect();
  return { p, prefix };
}

/** Every delivery of the group up to `until`, acked; fails instead of hanging. */
async function consumeRange(
  prefix: string,
  group: string,
  stream: string,
  until: string,
): Promise<string[]> {
  const p = new EventPersistence({
    redisUrl: redisUrl(),
    streamPrefix: prefix,
    consumerGroup: group,
    logger: () => {},
  });
  await p.connect();
  const got: string[] = [];
  const timer = setTimeout(() => void p.disconnect(), 20_000);
  try {
    for await (const d of p.consumeEvents([stream], 'worker-1', { blockMs: 100, until })) {
      got.push(d.messageId);
      await d.ack();
    }
  } finally {
    clearTimeout(timer);
    await p.disconnect();
  }
  return got;
}

describe('streamscope replay --new-group, then a consumer with until (real processes)', () => {
  it.each(['asset.discovered', 'all'])(
    '--stream %s: the group starts at --from, the printed until ends the consumer at --to: exactly XRANGE A B',
    async (stream) => {
      const redis = rawClient();
      const { p, prefix } = await seeded();
      for (let i = 0; i < 40; i++)
        await p.persistEvent({ eventType: i % 3 ? 'asset.discovered' : 'other', data: { i } });
      const key = stream === 'all' ? `${prefix}all` : `${prefix}${stream}`;
      const ids = (await redis.xrange(key, '-', '+')).map(([id]) => id);
      const [a, b] = [ids[5], ids[ids.length - 8]];
      // --to as a millisecond: the whole millisecond, resolved to the range's last entry.
      const toMs = b.split('-')[0];
      const r = cli(
        cliArgs('replay', prefix, '--stream', stream, '--from', a, '--to', toMs, '--yes'),
        '--new-group',
        'reprocess',
      );
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const range = (await redis.xrange(key, a, toMs)).map(([id]) => id);
      const last = range[range.length - 1];
      expect(r.out).toContain(`created group "reprocess" on ${key}`);
      expect(r.out).toContain(
        `consume just the range: until '${last}' (the last entry of the range)`,
      );
      expect(r.out).toContain(`p.consumeEvents(["${stream}"], 'worker-1', { until: "${last}" })`);
      const until = /until '([^']+)'/.exec(r.out)![1];
      // Entries after the range keep coming while it consumes: never handed out.
      const later = p.persistEvent({ eventType: 'asset.discovered', data: { i: 99 } });
      const got = await consumeRange(prefix, 'reprocess', stream, until);
      await later;
      expect(got).toEqual(range);
      expect(got[0]).toBe(a);
      const pending = (await redis.xpending(key, 'reprocess', '-', '+', 100)) as unknown[];
      expect(pending).toEqual([]);
      await p.disconnect();
      redis.disconnect();
    },
    120_000,
  );

  it('--json carries the until and the code; --to + says the range is open and names the last entry now', async () => {
    const redis = rawClient();
    const { p, prefix } = await seeded();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await p.persistEvent({ eventType: 't', data: { i } }));
    const base = cliArgs('replay', prefix, '--stream', 't');
    const json = cli([
      ...base,
      '--from',
      ids[1],
      '--to',
      ids[3],
      '--new-group',
      'g1',
      '--yes',
      '--json',
    ]);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.out) as { outcome: { data: { consume: Record<string, unknown> } } };
    expect(doc.outcome.data.consume).toMatchObject({ until: ids[3], group: 'g1', lastNow: null });
    expect(String(doc.outcome.data.consume.code)).toContain(`{ until: "${ids[3]}" }`);
    const open = cli([...base, '--from', ids[1], '--to', '+', '--new-group', 'g2', '--yes']);
    expect(open.code).toBe(0);
    expect(open.out).toContain(
      `the range is open (--to +): every entry from --from on, also those added later; to stop at the last entry there is now: until '${ids[4]}'`,
    );
    expect(open.out).toContain(`p.consumeEvents(["t"], 'worker-1', {})`);
    await p.disconnect();
    redis.disconnect();
  }, 120_000);
});
