/** A real terminal for the monitor: a tmux server on its own socket (-L), killed afterwards. */
import { execFileSync } from 'node:child_process';

export class TmuxTerminal {
  readonly socket: string;
  private alive = false;

  constructor(
    readonly width = 120,
    readonly height = 40,
    /** tmux socket name prefix (the soak names its own). */
    name = 'streamscope-bench',
  ) {
    this.socket = `${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  }

  private tmux(args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Starts `command` (a shell command line; it should `exec` the program so the pane PID is the program). */
  start(command: string, env: Record<string, string> = {}): number {
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    this.tmux([
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      'bench',
      '-x',
      String(this.width),
      '-y',
      String(this.height),
      ...envArgs,
      command,
    ]);
    this.alive = true;
    this.tmux(['set-option', '-t', 'bench', 'remain-on-exit', 'on']);
    return Number(this.tmux(['display-message', '-p', '-t', 'bench', '#{pane_pid}']).trim());
  }

  /** Appends everything the program writes to the terminal to `file`. */
  pipeTo(file: string): void {
    this.tmux(['pipe-pane', '-t', 'bench', '-O', `cat >> ${file}`]);
  }

  capture(): string {
    return this.tmux(['capture-pane', '-p', '-t', 'bench']);
  }

  sendKeys(...keys: string[]): void {
    this.tmux(['send-keys', '-t', 'bench', ...keys]);
  }

  paneDead(): boolean {
    try {
      return this.tmux(['display-message', '-p', '-t', 'bench', '#{pane_dead}']).trim() === '1';
    } catch {
      return true;
    }
  }

  kill(): void {
    if (!this.alive) return;
    this.alive = false;
    try {
      this.tmux(['kill-server']);
    } catch {
      // already gone
    }
  }
}
