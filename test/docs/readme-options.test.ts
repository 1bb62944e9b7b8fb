import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

function help(command: string): string {
  return execFileSync(process.execPath, ['dist/cli/main.js', command, '--help'], {
    cwd: root.pathname,
    encoding: 'utf8',
  });
}

describe('README and the commands agree (needs the build: npm test builds first)', () => {
  for (const command of ['monitor', 'tail', 'status', 'demo']) {
    it(`every option of "streamscope ${command} --help" is in the README`, () => {
      const options = [...new Set(help(command).match(/--[a-z][a-z-]+/g) ?? [])].filter(
        (o) => o !== '--help',
      );
      expect(options.length).toBeGreaterThan(0);
      const missing = options.filter((o) => !readme.includes(o));
      expect(missing).toEqual([]);
    });
  }

  it('the README monitor options block is the one --help prints', () => {
    const lines = help('monitor').split('\n');
    const from = lines.indexOf('Options:') + 1;
    const options = lines.slice(
      from,
      lines.findIndex((l, i) => i >= from && (l.trim() === '' || l.includes('--help'))),
    );
    expect(readme).toContain('### Monitor options\n\n```\n' + options.join('\n') + '\n```');
  });
});
