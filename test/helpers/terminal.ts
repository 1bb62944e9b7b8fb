/**
 * The real CLI (dist/cli/main.js) in a real terminal: a tmux server of its own (-L socket),
 * 120×40 by default. Tests drive it with keys() and read it with screen(); kill() ends it all.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './context.js';

export const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** Variables that would change what the app does or shows; always unset in the terminal. */
const ALWAYS_UNSET = [
  'CI',
  'NO_COLOR',
  'REDIS_URL',
  'REDIS_PASSWORD',
  'REDISCLI_AUTH',
  'NODE_EXTRA_CA_CERTS',
];

function quote(a: string): string {
  return `'${a.replace(/'/g, `'\\''`)}'`;
}

/** `env -u … K=V … node main.js args…`, shell-quoted. */
function command(args: string[], env: Record<string, string>): string {
  const unset = ALWAYS_UNSET.flatMap((k) => ['-u', k]);
  // The monitor writes its action journal under XDG_STATE_HOME: keep test runs out of ~/.local.
  const state = { XDG_STATE_HOME: join(tmpdir(), 'streamscope-e2e-state'), ...env };
  const assign = Object.entries(state).map(([k, v]) => `${k}=${v}`);
  return ['env', ...unset, ...assign, 'node', MAIN, ...args].map(quote).join(' ');
}

export class Terminal {
  readonly socket = `ss-term-${randomBytes(4).toString('hex')}`;
  constructor(
    private readonly cols = 120,
    private readonly rows = 40,
  ) {}
  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
  /** After the app exits, print its status (EXIT=n) and keep the pane so the test can read it. */
  start(args: string[], env: Record<string, string> = {}): void {
    this.tmux(
      'new-session',
      '-d',
      '-x',
      String(this.cols),
      '-y',
      String(this.rows),
      `${command(args, env)}; echo "EXIT=$?"; sleep 30`,
    );
  }
  /** The app as the pane's only process (its PID written to pidFile), stderr to a file. */
  startAlone(
    args: string[],
    pidFile: string,
    errFile: string,
    env: Record<string, string> = {},
  ): void {
    this.tmux(
      'new-session',
      '-d',
      '-x',
      String(this.cols),
      '-y',
      String(this.rows),
      `echo $$ > '${pidFile}'; exec ${command(args, env)} 2>'${errFile}'`,
    );
  }
  /** Append everything the app writes to the terminal, raw (escape sequences and all), to `file`. */
  pipeTo(file: string): void {
    this.tmux('pipe-pane', '-o', `cat >> '${file}'`);
  }
  keys(...keys: string[]): void {
    this.tmux('send-keys', ...keys);
  }
  screen(): string {
    return this.tmux('capture-pane', '-p');
  }
  title(): string {
    return this.tmux('display-message', '-p', '#{pane_title}').trim();
  }
  async waitFor(
    check: (screen: string) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<string> {
    let last = '';
    try {
      return (await waitFor<string | null>(
        () => {
          last = this.screen();
          return check(last) ? last : null;
        },
        timeoutMs,
        100,
      )) as string;
    } catch {
      throw new Error(`screen never showed ${what}; last screen:\n${last}`);
    }
  }
  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}
