import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

function help(args: string[]): string {
  return execFileSync(process.execPath, ['dist/cli/main.js', ...args, '--help'], {
    cwd: root.pathname,
    encoding: 'utf8',
  });
}

const VERBS = [
  ['ack'],
  ['claim'],
  ['deadletter'],
  ['consumer', 'delete'],
  ['group', 'setid'],
  ['dlq', 'list'],
  ['dlq', 'redrive'],
  ['dlq', 'delete'],
  ['journal'],
  ['undo'],
];

describe('README and the bulk verbs agree (needs the build: npm test builds first)', () => {
  it.each(VERBS.map((v) => [v.join(' '), v]))(
    'every option of "streamscope %s --help" is in the README',
    (_name, verb) => {
      const options = [...new Set(help(verb as string[]).match(/--[a-z][a-z-]+/g) ?? [])];
      expect(options.length).toBeGreaterThan(1);
      expect(options.filter((o) => !readme.includes(o))).toEqual([]);
    },
  );

  it('the README block of bulk verbs is the one "streamscope --help" prints', () => {
    const lines = help([]).split('\n');
    const from = lines.findIndex((l) => l.startsWith('Bulk actions')) + 1;
    const to = lines.findIndex((l, i) => i > from && l.trim() === '');
    const block = lines.slice(from, to).map((l) => l.slice(2));
    expect(block.length).toBe(9);
    expect(readme).toContain('```\n' + block.join('\n') + '\n```');
  });
});

describe("README and the monitor's : command line agree", () => {
  it('every verb of the : line is in the README, and the : table names only real verbs', async () => {
    const { verbSpecs } = await import('../../src/core/command-line.js');
    const verbs = verbSpecs().map((v) => v.verb);
    expect(verbs.filter((v) => !readme.includes('`:' + v))).toEqual([]);
    const section = readme.slice(readme.indexOf('### In the monitor: the `:` command line'));
    const rows = section.split('\n').filter((l) => l.startsWith('| `:'));
    expect(rows.length).toBeGreaterThanOrEqual(9);
    const named = rows.flatMap((r) =>
      [...r.split('|')[1].matchAll(/`:([a-z]+)/g)].map((m) => m[1]),
    );
    expect(named.filter((v) => !verbs.includes(v as never))).toEqual([]);
    // Each mutating verb's row shows the same arguments as the completion list's usage line.
    for (const v of verbSpecs().filter((s) => s.kind !== null && s.verb !== 'replay')) {
      const row = rows.find((r) => r.split('|')[1].includes('`:' + v.verb));
      expect(row, v.verb).toBeDefined();
      const args = v.usage.split(' ').slice(1);
      for (const a of args.filter((x) => !x.includes('|') && !x.includes('<n>')))
        expect(row!.split('|')[1], `${v.verb} ${a}`).toContain(a);
    }
  });
});
