/**
 * The real CLI (`dist/`, built by `npm test`'s pretest) in `--no-ui` mode: every way it can be
 * stopped leaves no process, no listener and no temp dir behind. Each run starts a private
 * redis-server of its own; nothing here touches the harness server.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { portIsFree, startDemoServer } from '../../src/demo/server.js';
import { sleep, waitFor } from '../helpers/context.js';
import { constants as osConstants } from 'node:os';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const URL_LINE = /redis:\/\/127\.0\.0\.1:(\d+) \(redis-server [^,]+, pid (\d+),/;

/** Alive and not a zombie (an orphan reparented to a PID 1 that does not reap stays a zombie). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

const watchdogOf = (demoPid: number): boolean => watchdogPidOf(demoPid) !== null;

/**
 * The watchdog runs detached, in a process group of its own (pgid = its pid), and its `sleep 1`
 * runs in that group. Whatever it leaves (a re-parented `sleep`) is a live member of that group;
 * only the demo's own groups are looked at, never other processes on the machine.
 */
function watchdogPidOf(demoPid: number): number | null {
  const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  const line = ps.split('\n').find((l) => l.includes(`streamscope-demo-watchdog ${demoPid} `));
  return line ? Number(line.trim().split(/\s+/)[0]) : null;
}
function groupHasLiveMembers(pgid: number): boolean {
  const ps = execFileSync('ps', ['-eo', 'pid,pgid,stat'], { encoding: 'utf8' });
  return ps
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .some(([, group, stat]) => Number(group) === pgid && !stat?.startsWith('Z'));
}

interface Started {
  child: ChildProcess;
  port: number;
  redisPid: number;
  watchdogPgid: number;
  dir: string;
  exited: Promise<number | null>;
  output: () => string;
}

// Whatever a failing test leaves, these started it: the demo process, and the redis-server
// it reported (and verified) as its own child, with its temp dir.
const started: { child: ChildProcess; redisPid?: number; dir?: string }[] = [];
afterEach(() => {
  for (const s of started.splice(0)) {
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    if (s.redisPid !== undefined && alive(s.redisPid)) process.kill(s.redisPid, 'SIGKILL');
    if (s.dir) rmSync(s.dir, { recursive: true, force: true });
  }
});

async function startDemo(): Promise<Started> {
  expect(existsSync(MAIN), 'dist/cli/main.js is missing: run `npm run build` (npm test does)').toBe(
    true,
  );
  // Settings for some other server must not reach the demo's (it would send that password).
  const env = {
    ...process.env,
    REDIS_URL: 'redis://127.0.0.1:1',
    REDIS_PASSWORD: 'not-for-the-demo',
    REDISCLI_AUTH: 'not-for-the-demo',
  };
  const child = spawn(process.execPath, [MAIN, 'demo', '--no-ui', '--seed', '3', '--rate', '100'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const record: (typeof started)[number] = { child };
  started.push(record);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  // As a shell reports it: death by a signal counts as 128 + its number.
  const exited = new Promise<number | null>((r) =>
    child.once('exit', (code, signal) =>
      r(code ?? (signal ? 128 + osConstants.signals[signal] : null)),
    ),
  );
  const m = (await waitFor(() => URL_LINE.exec(out), 15000, 50))!;
  record.redisPid = Number(m[2]);
  record.dir = readlinkSync(`/proc/${record.redisPid}/cwd`);
  const watchdogPgid = (await waitFor(() => watchdogPidOf(child.pid!), 10000, 50))!;
  return {
    child,
    port: Number(m[1]),
    redisPid: record.redisPid,
    watchdogPgid,
    dir: record.dir,
    exited,
    output: () => out,
  };
}

async function expectNothingLeft(s: Started, withinMs: number): Promise<void> {
  await waitFor(
    () => !alive(s.redisPid) && !watchdogOf(s.child.pid!) && !groupHasLiveMembers(s.watchdogPgid),
    withinMs,
    25,
  );
  expect(await portIsFree(s.port)).toBe(true);
  expect(existsSync(s.dir)).toBe(false);
}

describe('streamscope demo --no-ui lifecycle', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ] as const) {
    it(`on ${signal}: stops workers and its redis-server, exits ${code}, leaves nothing behind`, async () => {
      const s = await startDemo();
      expect(s.output()).toMatch(/seeded \d+ events/);
      // Progress while starting, in order, so a person never faces a blank screen.
      expect(s.output()).toMatch(
        /starting a private redis-server…[^\n]*\n[^\n]*seeding 3000 events, starting workers…/,
      );
      expect(s.output()).not.toMatch(/password|AUTH/i);
      expect(alive(s.redisPid)).toBe(true);
      expect(watchdogOf(s.child.pid!)).toBe(true);
      s.child.kill(signal);
      expect(await s.exited).toBe(code);
      // After a hangup there is no terminal to tell; it dies by SIGHUP, as a shell expects.
      if (signal !== 'SIGHUP') expect(s.output()).toContain(`stopped by ${signal}`);
      // Gone by the time the demo has exited: its own cleanup did it, not the watchdog (which
      // would need up to a second).
      expect(alive(s.redisPid)).toBe(false);
      expect(existsSync(s.dir)).toBe(false);
      await expectNothingLeft(s, 500);
    });
  }

  it('even when SIGKILLed: the watchdog stops its redis-server and removes the temp dir', async () => {
    const s = await startDemo();
    s.child.kill('SIGKILL');
    await s.exited;
    // The watchdog polls once a second; generous for a loaded 2-core box.
    await expectNothingLeft(s, 5000);
  });
});

describe('the private server is never another server', () => {
  let blocker: Server | null = null;
  afterEach(() => blocker?.close());

  it('refuses a --port something else listens on, before starting anything', async () => {
    blocker = createServer();
    const port = await new Promise<number>((r) =>
      blocker!.listen(0, '127.0.0.1', () => r((blocker!.address() as { port: number }).port)),
    );
    await expect(startDemoServer(port)).rejects.toThrow(/port \d+ on 127\.0\.0\.1 is in use/);
  });

  it('answers with its own PID on the port it was given', async () => {
    const s = await startDemoServer();
    try {
      expect(alive(s.pid)).toBe(true);
      expect(await portIsFree(s.port)).toBe(false);
    } finally {
      await s.stop();
    }
    await sleep(50);
    expect(alive(s.pid)).toBe(false);
  });
});
