import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
// ink's "exports" hides its files; its entry point sits beside measure-text.js in build/.
const measureText = join(dirname(fileURLToPath(import.meta.resolve('ink'))), 'measure-text.js');
const bound = new URL('dist/cli/ink-cache-bound.js', `file://${root}`).href;

/** Heap (MB) still used after 300,000 distinct rows went through Ink's measureText, and whether
 *  the bound was found — in a fresh process, so no other test's Ink instance interferes. */
function retained(mode: 'plain' | 'bounded'): { mb: number; found: boolean | null } {
  const script = `
    const found = process.argv[1] === 'bounded'
      ? await (await import(${JSON.stringify(bound)})).boundInkTextCache()
      : null;
    const t0 = process.memoryUsage().heapUsed;
    const m = await import(${JSON.stringify(`file://${measureText}`)});
    for (let i = 0; i < 150000; i++) m.default('row ' + i + ' ' + 'x'.repeat(110));
    global.gc();
    console.log(JSON.stringify({ mb: Math.round((process.memoryUsage().heapUsed - t0) / 1e6), found }));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script, mode], {
      encoding: 'utf8',
    }).trim(),
  ) as { mb: number; found: boolean | null };
}

describe("bounding Ink's text-size cache (needs the build: npm test builds first)", () => {
  it('the installed Ink still has the unbounded module-level cache this works around (re-check on an Ink upgrade)', () => {
    const source = readFileSync(measureText, 'utf8');
    expect(source).toContain('const cache = new Map();');
    expect(source).toContain('cache.set(text, dimensions);');
    expect(source).not.toMatch(/cache\.(clear|delete)\(/);
  });

  it('keeps 150,000 distinct rows from being retained', () => {
    const plain = retained('plain');
    const bounded = retained('bounded');
    expect(bounded.found).toBe(true);
    expect(plain.mb).toBeGreaterThan(15); // the leak is real without the bound…
    expect(bounded.mb).toBeLessThan(8); // …and bounded with it
  }, 90_000);

  it('measures the same sizes once bounded (a cleared cache only recomputes)', () => {
    const script = `
      const { boundInkTextCache } = await import(${JSON.stringify(bound)});
      const m = await import(${JSON.stringify(`file://${measureText}`)});
      const before = m.default('漢字 wide\\nsecond line');
      const again = (await boundInkTextCache()) && (await boundInkTextCache());
      for (let i = 0; i < 6000; i++) m.default('filler ' + i);
      const after = m.default('漢字 wide\\nsecond line');
      console.log(JSON.stringify({ before, after, again }));`;
    const out = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
      }).trim(),
    ) as { before: unknown; after: unknown; again: boolean };
    expect(out.again).toBe(true);
    expect(out.after).toEqual(out.before);
    expect(out.before).toEqual({ width: 11, height: 2 }); // "second line" is the widest
  });
});
