/**
 * scripts/build-if-stale.mjs (run by `npm start`): no build when dist/ is newer than every
 * source, a build when a source changed or dist/ is missing. Run on a copy of the script in a
 * temp tree whose "tsc" only records that it ran, so the real dist/ is never touched.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/build-if-stale.mjs', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(): {
  root: string;
  run(): string;
  built(): boolean;
  touch(p: string, s: number): void;
} {
  const root = mkdtempSync(join(tmpdir(), 'streamscope-stale-'));
  dirs.push(root);
  for (const d of ['scripts', 'src/cli', 'dist/cli', 'node_modules/typescript/bin'])
    mkdirSync(join(root, d), { recursive: true });
  copyFileSync(SCRIPT, join(root, 'scripts/build-if-stale.mjs'));
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json'])
    writeFileSync(join(root, f), '{}');
  writeFileSync(join(root, 'src/cli/main.ts'), 'export {};\n');
  // The fake compiler marks that it ran and refreshes the build output, like tsc.
  writeFileSync(
    join(root, 'node_modules/typescript/bin/tsc'),
    `const fs = require('node:fs'); const p = require('node:path');
fs.writeFileSync(p.join(${JSON.stringify(root)}, 'ran'), 'yes');
fs.writeFileSync(p.join(${JSON.stringify(root)}, 'dist/cli/main.js'), '');\n`,
  );
  writeFileSync(join(root, 'node_modules/typescript/package.json'), '{"type":"commonjs"}');
  const touch = (p: string, secondsAgo: number) => {
    const t = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(join(root, p), t, t);
  };
  return {
    root,
    touch,
    run: () =>
      execFileSync(process.execPath, [join(root, 'scripts/build-if-stale.mjs')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    built: () => {
      const ran = existsSync(join(root, 'ran'));
      rmSync(join(root, 'ran'), { force: true });
      return ran;
    },
  };
}

/** Every input dated `secondsAgo`. */
function age(t: ReturnType<typeof tree>, secondsAgo: number): void {
  for (const p of [
    'package.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'src/cli/main.ts',
    'src/cli',
    'src',
  ])
    t.touch(p, secondsAgo);
}

describe('npm start: build only when dist/ is stale', () => {
  it('builds when dist/ is missing', () => {
    const t = tree();
    age(t, 60);
    t.run();
    expect(t.built()).toBe(true);
  });

  it('does not build when dist/ is newer than every source', () => {
    const t = tree();
    age(t, 60);
    writeFileSync(join(t.root, 'dist/cli/main.js'), '');
    t.run();
    expect(t.built()).toBe(false);
  });

  it('builds again after a source changed, and not a second time', () => {
    const t = tree();
    age(t, 60);
    writeFileSync(join(t.root, 'dist/cli/main.js'), '');
    t.touch('dist/cli/main.js', 30);
    writeFileSync(join(t.root, 'src/cli/main.ts'), 'export const changed = 1;\n');
    t.run();
    expect(t.built()).toBe(true);
    t.run();
    expect(t.built()).toBe(false);
  });
});
