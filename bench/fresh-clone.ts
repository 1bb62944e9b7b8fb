/**
 * Start-up as a new user meets it (issue 14): `git clone` of a checkout into a fresh temporary
 * directory, `npm ci` there (its `prepare` step builds dist/), then `npm start` (the demo) in a
 * fresh 120×40 tmux terminal, timed to the first text and to the first live row. The first launch
 * is the one the target is about (right after `npm ci`); the later ones show the spread. Each
 * launch alternates with one in `--baseline` (default: this checkout, dist/ built), so the
 * fresh clone is compared with a warm checkout at the same machine load.
 *
 *   npx tsx bench/fresh-clone.ts [--repo /work/main] [--baseline DIR] [--runs 3] [--keep]
 *
 * Prints one line per step and a JSON summary (with `uptime` before and after) on the last line.
 * Not part of `npm run bench`: `npm ci` downloads or copies every dependency, which is a
 * measurement of the network and the npm cache as much as of streamscope.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoToFirstRow } from './startup.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const repo = opt('--repo', fileURLToPath(new URL('..', import.meta.url)));
const baseline = opt('--baseline', fileURLToPath(new URL('..', import.meta.url)));
const runs = Number(opt('--runs', '3'));
const keep = argv.includes('--keep');

const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function main(): Promise<void> {
  const loadBefore = load();
  const dir = mkdtempSync(join(tmpdir(), 'streamscope-fresh-'));
  try {
    let t = performance.now();
    execFileSync('git', ['clone', '-q', repo, dir], { stdio: 'inherit' });
    const cloneMs = performance.now() - t;
    const head = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
    }).trim();
    process.stderr.write(`cloned ${repo} (${head}) into ${dir} in ${Math.round(cloneMs)} ms\n`);
    t = performance.now();
    const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const ciMs = performance.now() - t;
    if (ci.status !== 0) throw new Error(`npm ci exited ${ci.status}`);
    process.stderr.write(`npm ci: ${Math.round(ciMs)} ms\n`);
    const launches: Awaited<ReturnType<typeof demoToFirstRow>>[] = [];
    const base: Awaited<ReturnType<typeof demoToFirstRow>>[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await demoToFirstRow(dir);
      launches.push(r);
      process.stderr.write(
        `fresh clone, npm start ${i + 1}: first text ${Math.round(r.firstText)} ms ("${r.firstLine}"), first live row ${Math.round(r.firstRow)} ms; load ${load()}\n`,
      );
      const b = await demoToFirstRow(baseline);
      base.push(b);
      process.stderr.write(
        `baseline ${baseline}, npm start ${i + 1}: first text ${Math.round(b.firstText)} ms ("${b.firstLine}"), first live row ${Math.round(b.firstRow)} ms; load ${load()}\n`,
      );
    }
    process.stdout.write(
      `${JSON.stringify({ repo, head, cloneMs, ciMs, launches, baseline, base, loadBefore, loadAfter: load() })}\n`,
    );
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fresh-clone failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
