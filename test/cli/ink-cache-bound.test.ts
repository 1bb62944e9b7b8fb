import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  boundMeasureTextCache,
  isInkMeasureText,
  MAX_ENTRIES,
} from '../../src/cli/ink-cache-bound.js';

const root = new URL('../../', import.meta.url).pathname;
// ink's "exports" hides its files; its entry point sits beside measure-text.js in build/.
const measureText = join(dirname(fileURLToPath(import.meta.resolve('ink'))), 'measure-text.js');

describe("bounding Ink's text-size cache", () => {
  it('matches the installed Ink (fails when an Ink upgrade changes measure-text.js: re-check the leak)', () => {
    const source = readFileSync(measureText, 'utf8');
    const bounded = boundMeasureTextCache(source);
    expect(bounded).not.toBe(source);
    expect(bounded).toContain(`if (cache.size >= ${MAX_ENTRIES}) cache.clear();`);
    expect(isInkMeasureText(`file://${measureText}`)).toBe(true);
    expect(isInkMeasureText('file:///x/ink/build/output.js')).toBe(false);
  });

  it('leaves an unknown source alone', () => {
    expect(boundMeasureTextCache('export default 1;')).toBe('export default 1;');
  });

  it('the loader hook keeps 300,000 distinct rows from being retained (needs the build: npm test builds first)', () => {
    const script = `
      import { register } from 'node:module';
      if (process.argv[1] === 'hook') register(${JSON.stringify(new URL('dist/cli/ink-loader-hook.js', `file://${root}`).href)});
      const t0 = process.memoryUsage().heapUsed;
      const m = await import(${JSON.stringify(`file://${measureText}`)});
      for (let i = 0; i < 300000; i++) m.default('row ' + i + ' ' + 'x'.repeat(110));
      global.gc();
      console.log(Math.round((process.memoryUsage().heapUsed - t0) / 1e6));`;
    const retainedMb = (mode: string) =>
      Number(
        execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script, mode], {
          encoding: 'utf8',
        }).trim(),
      );
    const plain = retainedMb('plain');
    const hooked = retainedMb('hook');
    expect(plain).toBeGreaterThan(30); // the leak is real without the hook…
    expect(hooked).toBeLessThan(10); // …and bounded with it
  }, 30000);
});
