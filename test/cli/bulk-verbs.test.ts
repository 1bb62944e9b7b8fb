import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createKeySpace } from '../../src/core/keys.js';
import { rawClient, redisUrl, uniquePrefix } from '../helpers/context.js';
import { arrangeHeld, pendingOf } from '../monitor/bulk-helpers.js';

const r = rawClient();
const dir = mkdtempSync(join(tmpdir(), 'bulk-cli-'));
afterAll(() => {
  r.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `streamscope <args>` in-process (stdin is not a TTY here) and captures its output. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    vi.restoreAllMocks();
  }
}

async function setup(n = 40, others = ['w2']) {
  const prefix = uniquePrefix('cli');
  const keys = createKeySpace(prefix);
  const { stream, ids } = await arrangeHeld(r, keys, n, 'dead-1', 'g', others);
  const journal = join(dir, `${prefix.replace(/:/g, '_')}.ndjson`);
  const common = ['--url', redisUrl(), '--prefix', prefix, '--journal', journal];
  return { prefix, keys, stream, ids, journal, common };
}

const journalLines = (file: string) => {
  try {
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    return [];
  }
};

describe('streamscope ack / claim / deadletter', () => {
  it('ack: dry run and no-TTY change nothing; --yes does what the preview said', async () => {
    const s = await setup();
    await r.xclaim(s.stream, 'g', 'w2', 0, ...s.ids.slice(0, 10), 'JUSTID');
    const args = ['ack', '--stream', 't', '--group', 'g', '--consumer', 'dead-1', ...s.common];
    const dry = await cli([...args, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toBe(
      `ack 30 entries of ${s.stream} in group g (rule: consumer=dead-1)\n  held by: dead-1 (30)\n  cannot be undone (Redis cannot un-acknowledge an entry)\n`,
    );
    expect((await pendingOf(r, s.stream)).count).toBe(40);
    const noTty = await cli(args);
    expect(noTty.code).toBe(2);
    expect(noTty.out).toContain('ack 30 entries');
    expect(noTty.err).toContain('pass --yes');
    expect((await pendingOf(r, s.stream)).count).toBe(40);
    expect(journalLines(s.journal)).toEqual([]);
    const yes = await cli([...args, '--yes']);
    expect(yes.code).toBe(0);
    expect(yes.out).toMatch(/\nacknowledged 30 of 30 in g \(journal \S+\)\n$/);
    expect((await pendingOf(r, s.stream)).by).toEqual({ w2: 10 });
    const [line] = journalLines(s.journal);
    expect(line).toMatchObject({
      verb: 'ack',
      stream: s.stream,
      group: 'g',
      count: 30,
      outcome: { ok: true, done: 30 },
    });
    expect(line.ids).toHaveLength(30);
  });

  it('claim --json, then undo from the CLI restores the owners', async () => {
    const s = await setup(25, ['w2', 'w3']);
    const res = await cli([
      'claim',
      '--stream',
      't',
      '--group',
      'g',
      '--to',
      'w3',
      '--idle',
      '>=0ms',
      '--yes',
      '--json',
      ...s.common,
    ]);
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.out);
    expect(doc).toMatchObject({
      command: 'claim',
      applied: true,
      preview: { count: 25, undoable: true },
      outcome: { ok: true, data: { done: 25, vanished: 0 } },
    });
    expect((await pendingOf(r, s.stream)).by).toEqual({ w3: 25 });
    const id = doc.outcome.data.journalId as string;
    const undo = await cli(['undo', id, '--yes', ...s.common]);
    expect(undo.code).toBe(0);
    expect(undo.out).toContain('claimed back 25 of 25 to their previous owners');
    expect((await pendingOf(r, s.stream)).by).toEqual({ 'dead-1': 25 });
    const list = await cli(['journal', '--journal', s.journal]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`undo ${id}`));
    const json = JSON.parse((await cli(['journal', '--json', '--journal', s.journal])).out);
    expect(json.records.map((x: { verb: string }) => x.verb)).toEqual(['claim', 'undo']);
  });

  it('deadletter with --reason; --read-only refuses with exit 1 and changes nothing', async () => {
    const s = await setup(12);
    const args = [
      'deadletter',
      '--stream',
      't',
      '--group',
      'g',
      '--all',
      '--reason',
      'bad json',
      ...s.common,
    ];
    const ro = await cli([...args, '--yes', '--read-only']);
    expect(ro.code).toBe(1);
    expect(ro.err).toBe(
      'streamscope deadletter: read-only mode: deadletter refused, nothing was sent to Redis\n',
    );
    expect((await pendingOf(r, s.stream)).count).toBe(12);
    const ok = await cli([...args, '--yes']);
    expect(ok.code).toBe(0);
    expect((await pendingOf(r, s.stream)).count).toBe(0);
    expect(await r.xlen(s.keys.deadLetterStream('t'))).toBe(12);
    const list = await cli(['dlq', 'list', ...s.common.slice(0, 4)]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(
      /^12 dead letters in 1 stream\n\nID\s+ORIGINAL STREAM\s+ORIGINAL ID\s+GROUP\s+CONSUMER\s+DLV\s+AGE\s+REASON\s+PAYLOAD\n/,
    );
    expect(list.out).toContain('bad json');
    // Newest first.
    const rows = list.out.trim().split('\n').slice(3);
    expect(rows[0]).toContain(s.ids[11]);
  });

  it('bad input: one line each — unknown group, malformed rule, unknown target, unknown consumer, no selector, unknown verb', async () => {
    const s = await setup(3);
    const group = await cli([
      'ack',
      '--stream',
      't',
      '--group',
      'nope',
      '--all',
      '--yes',
      ...s.common,
    ]);
    expect(group.code).toBe(1);
    expect(group.err.trim().split('\n')).toHaveLength(1);
    expect(group.err).toMatch(/^streamscope ack: stream or consumer group missing: NOGROUP/);
    const rule = await cli(['ack', '--stream', 't', '--group', 'g', '--idle', '>>5', ...s.common]);
    expect(rule.code).toBe(2);
    expect(rule.err).toBe(
      'streamscope ack: --idle: one comparison only (> >= < <=), got ">>5" (see streamscope ack --help)\n',
    );
    const target = await cli([
      'claim',
      '--stream',
      't',
      '--group',
      'g',
      '--all',
      '--to',
      'ghost',
      '--yes',
      ...s.common,
    ]);
    expect(target.code).toBe(1);
    expect(target.err).toBe(
      'streamscope claim: no consumer "ghost" in group g (consumers: dead-1, w2); claim targets an existing consumer\n',
    );
    // A consumer that is not in the group is named, not "nothing to do" (exit 0) for a typo.
    const who = await cli([
      'deadletter',
      '--stream',
      't',
      '--group',
      'g',
      '--consumer',
      'dead1',
      '--yes',
      ...s.common,
    ]);
    expect(who.code).toBe(1);
    expect(who.err).toBe(
      'streamscope deadletter: no consumer "dead1" in group g (consumers: dead-1, w2)\n',
    );
    const none = await cli(['ack', '--stream', 't', '--group', 'g', ...s.common]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no selector: pass --all/);
    const verb = await cli(['frobnicate']);
    expect(verb.code).toBe(2);
    expect(verb.err).toMatch(/^streamscope: unknown command "frobnicate"/);
    const sub = await cli(['dlq', 'purge']);
    expect(sub.code).toBe(2);
    expect(sub.err).toMatch(/unknown subcommand "purge"; expected list\|redrive\|delete/);
    expect((await pendingOf(r, s.stream)).count).toBe(3);
  });
});

describe('streamscope group setid / consumer delete / dlq', () => {
  it('group setid: dry run changes nothing; --yes moves the group; undo moves it back', async () => {
    const s = await setup(10);
    const args = ['group', 'setid', '--stream', 't', '--group', 'g', '--to', s.ids[6], ...s.common];
    const dry = await cli([...args, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`${s.ids[9]} → ${s.ids[6]}: 3 entries will be delivered again`);
    expect(dry.out).toContain('entries-read 10 → 7');
    expect(dry.out).toContain('pending entries are unaffected');
    const info = async () => {
      const [g] = (await r.call('XINFO', 'GROUPS', s.stream)) as unknown[][];
      return [g[7], g[9], g[11]]; // last-delivered-id, entries-read, lag
    };
    expect(await info()).toEqual([s.ids[9], 10, 0]);
    expect((await cli(args)).code).toBe(2);
    expect(await info()).toEqual([s.ids[9], 10, 0]);
    const yes = await cli([...args, '--yes']);
    expect(yes.code).toBe(0);
    expect(await info()).toEqual([s.ids[6], 7, 3]);
    const [rec] = journalLines(s.journal);
    expect(rec.before.from).toEqual({ lastDeliveredId: s.ids[9], entriesRead: 10 });
    expect((await cli(['undo', rec.id, '--yes', ...s.common])).code).toBe(0);
    expect(await info()).toEqual([s.ids[9], 10, 0]);
    const bad = await cli([
      'group',
      'setid',
      '--stream',
      't',
      '--group',
      'g',
      '--to',
      'soon',
      ...s.common,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^streamscope group setid: --to: cannot read "soon"/);
  });

  it('consumer delete: refused while it holds entries; --move-to claims first', async () => {
    const s = await setup(8);
    const args = [
      'consumer',
      'delete',
      '--stream',
      't',
      '--group',
      'g',
      '--consumer',
      'dead-1',
      ...s.common,
    ];
    const refused = await cli([...args, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/still holds 8 pending entries.*--move-to w2/);
    const dry = await cli([...args, '--move-to', 'w2', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('after claiming its 8 entries to w2');
    expect((await pendingOf(r, s.stream)).by).toEqual({ 'dead-1': 8 });
    expect((await cli([...args, '--move-to', 'w2'])).code).toBe(2);
    const ok = await cli([...args, '--move-to', 'w2', '--yes']);
    expect(ok.code).toBe(0);
    expect((await pendingOf(r, s.stream)).by).toEqual({ w2: 8 });
  });

  it('dlq redrive --rate and dlq delete: dry run, no TTY, --yes; redrive is byte-identical', async () => {
    const s = await setup(6);
    expect(
      (await cli(['deadletter', '--stream', 't', '--group', 'g', '--all', '--yes', ...s.common]))
        .code,
    ).toBe(0);
    const dlq = s.keys.deadLetterStream('t');
    const letters = (await r.xrange(dlq, '-', '+')).map(([id]) => id);
    const redrive = [
      'dlq',
      'redrive',
      '--stream',
      't',
      '--ids',
      letters.slice(0, 4).join(','),
      '--rate',
      '100/s',
      ...s.common,
    ];
    expect((await cli([...redrive, '--dry-run'])).code).toBe(0);
    expect((await cli(redrive)).code).toBe(2);
    expect(await r.xlen(dlq)).toBe(6);
    const ok = await cli([...redrive, '--yes']);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('at most 100/s');
    expect(await r.xlen(dlq)).toBe(2);
    const all = (await r.xrangeBuffer(s.stream, '-', '+')) as [Buffer, Buffer[]][];
    expect(all).toHaveLength(10);
    for (let i = 0; i < 4; i++) {
      expect(all[6 + i][1][1].equals(all[i][1][1])).toBe(true);
      expect(all[6 + i][1].slice(2).map(String)).toEqual(['redriven_from', letters[i]]);
    }
    const del = ['dlq', 'delete', '--stream', 't', '--all', ...s.common];
    const delDry = await cli([...del, '--dry-run']);
    expect(delDry.out).toContain(`delete 2 entries from ${dlq}`);
    expect(delDry.out).toContain('cannot be undone (deleted dead letters are gone)');
    expect((await cli(del)).code).toBe(2);
    expect(await r.xlen(dlq)).toBe(2);
    expect((await cli([...del, '--yes'])).code).toBe(0);
    expect(await r.xlen(dlq)).toBe(0);
    const rate = await cli([
      'dlq',
      'redrive',
      '--stream',
      't',
      '--all',
      '--rate',
      'fast',
      ...s.common,
    ]);
    expect(rate.code).toBe(2);
  });
});
