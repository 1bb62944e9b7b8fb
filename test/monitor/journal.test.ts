import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Journal,
  defaultJournalPath,
  journalPathFromArgs,
  type JournalEntryInput,
} from '../../src/monitor/journal.js';

const dir = mkdtempSync(join(tmpdir(), 'journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const input = (over: Partial<JournalEntryInput> = {}): JournalEntryInput => ({
  server: 'redis://ops:s3cret@10.0.0.5:6379',
  user: 'ops',
  verb: 'claim',
  stream: 'alice:events:x',
  group: 'g',
  count: 2,
  ids: ['1-0', '2-0'],
  before: null,
  detail: { owners: { '1-0': 'dead-1', '2-0': 'dead-1' } },
  outcome: { ok: true, cancelled: false, done: 2, vanished: 0, summary: 'claimed 2 of 2' },
  secrets: ['s3cret'],
  ...over,
});

describe('action journal', () => {
  it('default path follows XDG_STATE_HOME, else ~/.local/state; --no-journal disables', () => {
    expect(defaultJournalPath({ XDG_STATE_HOME: '/st' })).toBe('/st/streamscope/journal.ndjson');
    expect(defaultJournalPath({ HOME: '/home/u' })).toBe(
      '/home/u/.local/state/streamscope/journal.ndjson',
    );
    expect(journalPathFromArgs({ 'no-journal': true })).toBeNull();
    expect(journalPathFromArgs({ journal: '/x.ndjson' })).toBe('/x.ndjson');
  });

  it('appends one line per action, password redacted, and finds it again', async () => {
    const j = new Journal(join(dir, 'a', 'journal.ndjson'));
    const a = await j.append(
      input({
        outcome: {
          ok: false,
          cancelled: false,
          done: 0,
          vanished: 0,
          summary: 'AUTH s3cret failed',
        },
      }),
    );
    const b = await j.append(input({ verb: 'ack' }));
    const text = readFileSync(j.path, 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(2);
    expect(text).not.toContain('s3cret');
    expect(a.server).toBe('redis://ops:***@10.0.0.5:6379');
    expect(a.outcome.summary).toBe('AUTH *** failed');
    expect((await j.find(b.id))?.verb).toBe('ack');
    expect((await j.load(a)).detail).toEqual({ owners: { '1-0': 'dead-1', '2-0': 'dead-1' } });
  });

  it('more than 1,000 IDs go to a side file; load() reads them back', async () => {
    const j = new Journal(join(dir, 'b', 'journal.ndjson'));
    const ids = Array.from({ length: 1500 }, (_, i) => `${i + 1}-0`);
    const r = await j.append(input({ ids, count: ids.length, detail: { n: 1 } }));
    expect(r.ids).toBeUndefined();
    expect(r.idsFile).toBe(`journal.d/${r.id}.json`);
    expect(readFileSync(j.path, 'utf8').length).toBeLessThan(2000);
    const loaded = await j.load((await j.find(r.id))!);
    expect(loaded.ids).toEqual(ids);
    expect(loaded.detail).toEqual({ n: 1 });
  });

  it('a missing journal lists empty; a broken line is skipped and counted', async () => {
    const j = new Journal(join(dir, 'none', 'journal.ndjson'));
    expect(await j.list()).toEqual({ records: [], bad: 0 });
    const k = new Journal(join(dir, 'c', 'journal.ndjson'));
    await k.append(input());
    appendFileSync(k.path, '{not json\n');
    await k.append(input({ verb: 'ack' }));
    const { records, bad } = await k.list();
    expect(records.map((r) => r.verb)).toEqual(['claim', 'ack']);
    expect(bad).toBe(1);
  });
});
