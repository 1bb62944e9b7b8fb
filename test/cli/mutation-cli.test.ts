import { describe, expect, it } from 'vitest';
import {
  runMutation,
  type MutationIo,
  type MutationPreview,
  type RunMutationOptions,
} from '../../src/cli/mutation-cli.js';

function fakeIo(options: { interactive?: boolean; answer?: string | null } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  let interrupt: (() => void) | null = null;
  const io: MutationIo = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    interactive: options.interactive ?? false,
    ask: async (q) => {
      asked.push(q);
      return options.answer ?? null;
    },
    onInterrupt: (h) => {
      interrupt = h;
      return () => (interrupt = null);
    },
  };
  return { io, out, err, asked, interrupt: () => interrupt?.() };
}

const preview: MutationPreview = {
  summary: 'ack 3 entries of s in group g',
  details: ['target: nobody'],
  count: 3,
  undoable: false,
  undoNote: 'Redis cannot un-acknowledge',
};

function run(over: Partial<RunMutationOptions>, io: MutationIo) {
  let applied = 0;
  const code = runMutation({
    command: 'ack',
    flags: {},
    preview,
    apply: async () => {
      applied++;
      return { ok: true, summary: 'acknowledged 3 of 3' };
    },
    io,
    ...over,
  });
  return { code, applied: () => applied };
}

describe('runMutation: preview, confirm, --dry-run, --yes, --json, exit codes', () => {
  it('prints the preview with whether it can be undone, and applies with --yes', async () => {
    const f = fakeIo();
    const r = run({ flags: { yes: true } }, f.io);
    expect(await r.code).toBe(0);
    expect(r.applied()).toBe(1);
    expect(f.out.join('')).toBe(
      'ack 3 entries of s in group g\n  target: nobody\n  cannot be undone (Redis cannot un-acknowledge)\nacknowledged 3 of 3\n',
    );
  });

  it('--dry-run prints the preview, changes nothing, exits 0', async () => {
    const f = fakeIo();
    const r = run({ flags: { 'dry-run': true, yes: true } }, f.io);
    expect(await r.code).toBe(0);
    expect(r.applied()).toBe(0);
    expect(f.err.join('')).toContain('dry run: nothing was changed');
  });

  it('no TTY and no --yes: exit 2 with the preview, nothing applied', async () => {
    const f = fakeIo({ interactive: false });
    const r = run({}, f.io);
    expect(await r.code).toBe(2);
    expect(r.applied()).toBe(0);
    expect(f.out.join('')).toContain('ack 3 entries');
    expect(f.err.join('')).toContain('pass --yes');
  });

  it('on a TTY it asks: y applies, anything else does not (exit 2)', async () => {
    const yes = fakeIo({ interactive: true, answer: 'y' });
    const a = run({}, yes.io);
    expect(await a.code).toBe(0);
    expect(a.applied()).toBe(1);
    expect(yes.asked).toEqual(['Apply? [y/N] ']);
    const no = fakeIo({ interactive: true, answer: '' });
    const b = run({}, no.io);
    expect(await b.code).toBe(2);
    expect(b.applied()).toBe(0);
  });

  it('a refusal (read-only, ACL) exits 1 without applying; a dry run still previews', async () => {
    const f = fakeIo();
    const r = run({ flags: { yes: true }, refusal: 'read-only mode: ack refused' }, f.io);
    expect(await r.code).toBe(1);
    expect(r.applied()).toBe(0);
    expect(f.err.join('')).toBe('streamscope ack: read-only mode: ack refused\n');
    const d = fakeIo();
    expect(await run({ flags: { 'dry-run': true }, refusal: 'no' }, d.io).code).toBe(0);
  });

  it('nothing to do: exit 0, nothing applied', async () => {
    const f = fakeIo();
    const r = run({ flags: { yes: true }, preview: { ...preview, count: 0 } }, f.io);
    expect(await r.code).toBe(0);
    expect(r.applied()).toBe(0);
  });

  it('--json prints one document with preview and outcome', async () => {
    const f = fakeIo();
    const r = run({ flags: { yes: true, json: true } }, f.io);
    expect(await r.code).toBe(0);
    const doc = JSON.parse(f.out.join(''));
    expect(doc).toMatchObject({
      command: 'ack',
      applied: true,
      dryRun: false,
      preview: { count: 3, undoable: false },
      outcome: { ok: true, summary: 'acknowledged 3 of 3' },
    });
  });

  it('ctrl+c aborts between batches: exit 130, the outcome says how much was done', async () => {
    const f = fakeIo();
    const code = runMutation({
      command: 'ack',
      flags: { yes: true },
      preview,
      io: f.io,
      apply: async (_progress, signal) => {
        f.interrupt();
        return signal.aborted
          ? { ok: true, cancelled: true, summary: 'cancelled after 1 of 3' }
          : { ok: true, summary: 'all' };
      },
    });
    expect(await code).toBe(130);
    expect(f.out.join('')).toContain('cancelled after 1 of 3');
  });

  it('a failing apply exits 1 with one line', async () => {
    const f = fakeIo();
    const code = await runMutation({
      command: 'ack',
      flags: { yes: true },
      preview,
      io: f.io,
      apply: async () => {
        throw new Error('NOGROUP gone');
      },
    });
    expect(code).toBe(1);
    expect(f.out.join('')).toContain('failed: NOGROUP gone');
  });
});
