#!/usr/bin/env node
/**
 * `npm start` runs this before the demo: rebuild dist/ only when a source is newer than the last
 * build. A full `tsc` costs ~13 s on a small machine, and `npm ci` has just built (prepare), so an
 * unconditional build doubled the wait for the first screen. Plain JavaScript on purpose: it must
 * run before anything is compiled. The build's own outputs are the stamp: tsc rewrites every file
 * it emits, so dist/cli/main.js is as new as the last successful build.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', 'cli', 'main.js');
const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

/** Newest mtime (ms) under `path`, directories walked; 0 when missing. */
function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs; // a deleted or renamed source changes its directory's mtime
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

function builtAt() {
  try {
    return statSync(stamp).mtimeMs;
  } catch {
    return 0;
  }
}

const built = builtAt();
const changed = Math.max(...inputs.map((p) => newest(join(root, p))));
if (built > 0 && changed <= built) process.exit(0);
process.stderr.write(
  built === 0
    ? 'streamscope: building dist/ …\n'
    : 'streamscope: sources changed, rebuilding dist/ …\n',
);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
