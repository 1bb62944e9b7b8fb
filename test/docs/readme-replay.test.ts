import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

describe('README "Replay and archive" and the commands agree (needs the build)', () => {
  for (const command of ['replay', 'archive', 'restore']) {
    it(`every option of "streamscope ${command} --help" is in the README`, () => {
      const help = execFileSync(process.execPath, ['dist/cli/main.js', command, '--help'], {
        cwd: root.pathname,
        encoding: 'utf8',
      });
      const options = [...new Set(help.match(/--[a-z][a-z-]+/g) ?? [])].filter(
        (o) => o !== '--help',
      );
      expect(options.length).toBeGreaterThan(3);
      expect(options.filter((o) => !readme.includes(o))).toEqual([]);
    });
  }
});
