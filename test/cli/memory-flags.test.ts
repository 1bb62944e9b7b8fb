/**
 * The monitor's V8 memory flag lives in two places — the binary's shebang (global installs,
 * `./dist/cli/main.js`) and `npm start` (the demo) — and must be the same in both.
 */
import { chmodSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../../package.json', import.meta.url));

function shebangFlags(): string[] {
  const first = readFileSync(MAIN, 'utf8').split('\n')[0];
  const m = /^#!\/usr\/bin\/env -S node( .*)?$/.exec(first);
  expect(m, `shebang: ${first}`).not.toBeNull();
  return (m?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
}

describe('memory flags', () => {
  it('the shebang and npm start pass the same V8 flags', () => {
    const flags = shebangFlags();
    expect(flags).toContain('--max-semi-space-size=2');
    const start = (JSON.parse(readFileSync(PACKAGE, 'utf8')) as { scripts: { start: string } })
      .scripts.start;
    expect(start).toContain(`node ${flags.join(' ')} dist/cli/main.js demo`);
  });

  it('the built binary runs through its shebang (env -S) and answers --help', () => {
    chmodSync(MAIN, 0o755); // what npm does for a "bin" on install
    const r = spawnSync(MAIN, ['--help'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/streamscope/);
  });
});
