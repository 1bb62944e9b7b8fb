/** The real CLI (`src/cli/main.ts` through tsx) in a child process without a terminal. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { redisUrl } from './context.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** stdin/stderr are pipes, NO_COLOR is set; 60 s at most. */
export function runCli(args: string[]): { code: number | null; out: string; err: string } {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

/** `<verb> --url <the test server> --prefix <prefix> …rest`. */
export function cliArgs(verb: string, prefix: string, ...rest: string[]): string[] {
  return [verb, '--url', redisUrl(), '--prefix', prefix, ...rest];
}
