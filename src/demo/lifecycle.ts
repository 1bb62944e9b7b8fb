/**
 * Leaving nothing behind. The demo's only child process is its redis-server; every exit path
 * (q, ctrl+c, SIGTERM, SIGHUP, an uncaught crash) runs one cleanup that stops the workers and
 * then that server. A watchdog covers the one path no handler can: the demo being SIGKILLed.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

export interface Shutdown {
  /** Runs the cleanup once (later calls share it). */
  run(): Promise<void>;
  /** True once a signal or crash has started the shutdown. */
  readonly started: boolean;
  /** Remove the handlers (after a normal exit). */
  dispose(): void;
}

/**
 * On a signal: cleanup, then exit 128+signo. On an uncaught exception or rejection: cleanup,
 * print it, exit 1. A second signal during cleanup calls `force` (SIGKILL the server) and exits.
 * After SIGHUP the terminal is gone, so `exitAfterHangup` ends the process without the exit path
 * that touches the dead tty (Node asserts in ResetStdio otherwise); report lines are skipped.
 */
export function installShutdown(
  cleanup: () => Promise<void>,
  force: () => void,
  report: (line: string) => void,
  exitAfterHangup: () => void = () => process.exit(128 + SIGNALS.SIGHUP),
): Shutdown {
  let running: Promise<void> | null = null;
  let started = false;
  const run = (): Promise<void> =>
    (running ??= cleanup().catch((err: unknown) => report(`cleanup: ${String(err)}`)));
  const exitAfterCleanup = (code: number, message?: string, hangup = false) => {
    const exit = () => (hangup ? exitAfterHangup() : process.exit(code));
    if (started) {
      force();
      exit();
      return;
    }
    started = true;
    void run().then(() => {
      if (message && !hangup) report(message);
      exit();
    });
  };
  const onSignal = (signal: NodeJS.Signals) =>
    exitAfterCleanup(
      128 + SIGNALS[signal as keyof typeof SIGNALS],
      `stopped by ${signal}; the private redis-server is gone`,
      signal === 'SIGHUP',
    );
  const onCrash = (err: unknown) => {
    const text =
      err instanceof Error
        ? process.env.STREAMSCOPE_DEBUG
          ? String(err.stack)
          : err.message
        : String(err);
    exitAfterCleanup(1, `crashed: ${text} (the private redis-server was stopped)`);
  };
  for (const s of Object.keys(SIGNALS)) process.on(s, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return {
    run,
    get started() {
      return started;
    },
    dispose() {
      for (const s of Object.keys(SIGNALS)) process.off(s, onSignal);
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
    },
  };
}

/**
 * A tiny shell loop that outlives us only if we are SIGKILLed: once our PID is gone it stops the
 * redis-server (only if that PID still is a redis-server, so a reused PID is never hit) and
 * removes its temp dir. Polls once a second. Stop it with `watchdog.kill()` on a normal exit.
 */
export function startWatchdog(redisPid: number, dir: string): ChildProcess | null {
  const script = [
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done',
    'if ps -p "$2" -o comm= 2>/dev/null | grep -q redis; then kill "$2" 2>/dev/null; fi',
    'rm -rf "$3"',
  ].join('\n');
  try {
    // detached: its own process group, so a terminal's ctrl+c (sent to our group) cannot kill
    // it before it is needed; unref: it never keeps the demo alive.
    const child = spawn(
      'sh',
      ['-c', script, 'streamscope-demo-watchdog', String(process.pid), String(redisPid), dir],
      { detached: true, stdio: 'ignore' },
    );
    child.on('error', () => {});
    child.unref();
    return child;
  } catch {
    return null;
  }
}
