/**
 * Slow (`npm run test:faults`): the real monitor (dist/cli/main.js) in tmux while its server is
 * attacked. For every fault the screen must keep rendering and say what is going on, then come
 * back: `● connected` and entries published after the fault on the screen, an empty stderr, `q`
 * exits. The faults: CLIENT KILL of every client (3×) then kill -9 of the redis-server and a
 * restart (AOF on); DEBUG SLEEP and CLIENT PAUSE longer than the tail's BLOCK (the server stops
 * answering, sockets stay open); a half-open TCP connection (a proxy that stops forwarding
 * without closing); the monitor's ACL user losing every permission mid-run; XGROUP DESTROY and
 * DEL of the stream it shows.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { Terminal, hasTmux } from '../helpers/terminal.js';
import { commandCalls, FaultServer, HalfOpenProxy, rate, sleep, trapUnhandled } from './harness.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** The newest stream ID's time (ms) on the screen. */
function newestOnScreen(screen: string): number {
  let best = 0;
  for (const m of screen.matchAll(/\b(\d{13})-\d+\b/g)) best = Math.max(best, Number(m[1]));
  return best;
}

/** "snapshot 3.4s ago" in the status bar, in seconds (-1 when absent). */
function snapshotAge(screen: string): number {
  return Number(/snapshot (\d+(?:\.\d)?)s ago/.exec(screen)?.[1] ?? -1);
}

const attempt = (s: string) => Number(/reconnecting \(attempt (\d+)\)/.exec(s)?.[1] ?? 0);

interface Watched {
  server: FaultServer;
  term: Terminal;
  published: () => number;
  /** Wait for `● connected` and an entry newer than `since` on screen; ms it took. */
  recovered(since: number, label: string, timeoutMs?: number): Promise<number>;
  /** `q`, wait for the process to exit; its stderr. */
  quit(): Promise<string>;
}

/**
 * A private server with traffic (one event every 50 ms under `m:`), the monitor in tmux on it
 * (through `monitorUrl(server)` when given), connected and showing entries.
 */
async function watchMonitor(
  config: string[],
  monitorUrl: (server: FaultServer) => Promise<string> | string = (s) => s.url,
  extraArgs: string[] = [],
): Promise<Watched> {
  const server = await FaultServer.start(config);
  cleanup.push(() => server.dispose());
  const producer = new EventPersistence({
    redisUrl: server.url,
    streamPrefix: 'm:',
    logger: () => {},
    reconnectMaxMs: 300,
  });
  await producer.connect();
  cleanup.push(() => producer.disconnect());
  let producing = true;
  let published = 0;
  const traffic = (async () => {
    while (producing) {
      await producer
        .persistEvent({ eventType: 'screen.test', data: { n: published } })
        .then(() => published++)
        .catch(() => {});
      await sleep(50);
    }
  })();
  cleanup.push(async () => {
    producing = false;
    await traffic;
  });
  const dir = mkdtempSync(join(tmpdir(), 'ss-fault-screen-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const term = new Terminal(120, 40);
  cleanup.push(() => term.kill());
  term.startAlone(
    ['--url', await monitorUrl(server), '--prefix', 'm:', ...extraArgs],
    join(dir, 'pid'),
    join(dir, 'err'),
  );
  await term.waitFor(
    (s) => s.includes('● connected') && s.includes('screen.test'),
    'connected with entries',
    20_000,
  );
  return {
    server,
    term,
    published: () => published,
    async recovered(since, label, timeoutMs = 15_000) {
      await term.waitFor(
        (s) => s.includes('● connected') && newestOnScreen(s) > since,
        `${label}: connected again with entries newer than the fault`,
        timeoutMs,
      );
      return Date.now() - since;
    },
    async quit() {
      term.keys('q');
      const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        await sleep(50);
      }
      return readFileSync(join(dir, 'err'), 'utf8');
    },
  };
}

function report(fault: string, figures: Record<string, unknown>): void {
  console.log(`fault: monitor screen, ${fault}: ${JSON.stringify(figures)}`);
}

describe.skipIf(!hasTmux)('the monitor on screen during faults (tmux)', () => {
  it('CLIENT KILL ×3, then kill -9 and a restart: keeps rendering, shows reconnecting, then connected and new entries', async () => {
    const trap = trapUnhandled();
    const w = await watchMonitor(['appendonly yes', 'appendfsync everysec']);
    const { server, term } = w;
    const admin = server.client();
    cleanup.push(() => admin.disconnect());

    // 1. CLIENT KILL of every client, three times.
    const before = await commandCalls(admin);
    const t0 = Date.now();
    for (let k = 0; k < 3; k++) {
      await sleep(400);
      await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    }
    const killedAt = Date.now();
    const killsRecoverMs = await w.recovered(killedAt, 'CLIENT KILL');
    const afterKills = term.screen();
    const cps = rate(before, await commandCalls(admin), Date.now() - t0);

    // 2. kill -9 of the server: the screen says reconnecting and keeps redrawing the attempts.
    await server.kill('SIGKILL');
    const downAt = Date.now();
    const down = await term.waitFor(
      (s) => /✖ reconnecting \(attempt \d+\)/.test(s),
      'reconnecting',
      15_000,
    );
    const reconnectingShownMs = Date.now() - downAt;
    await sleep(3000);
    const later = term.screen();
    const attemptsWhileDown = attempt(later);
    // 3. The server comes back (AOF: the stream survives).
    await server.restart();
    const backAt = Date.now();
    await term.waitFor((s) => s.includes('● connected'), 'connected after the restart', 20_000);
    const restartRecoverMs = Date.now() - backAt;
    const newEntryMs = await w.recovered(backAt, 'restart');

    const stderr = await w.quit();
    report('CLIENT KILL ×3 + kill -9 + restart', {
      published: w.published(),
      killsRecoverMs,
      commandsPerSecDuringKills: Math.round(cps),
      reconnectingShownMs,
      attemptsIn3s: attemptsWhileDown,
      restartRecoverMs,
      newEntryMs,
      stderrBytes: stderr.length,
    });
    expect(afterKills).not.toMatch(/reconnecting/);
    expect(killsRecoverMs).toBeLessThan(5000);
    expect(cps).toBeLessThan(500);
    expect(down).toMatch(/✖ reconnecting/);
    expect(reconnectingShownMs).toBeLessThan(8000);
    expect(attempt(later)).toBeGreaterThanOrEqual(attempt(down)); // redrawn while down
    expect(attemptsWhileDown).toBeLessThan(20); // backoff, not a spin
    expect(restartRecoverMs).toBeLessThan(8000);
    // Not even Ink's cursor-restore escape: it goes to the terminal, not to a redirected stderr.
    expect(stderr).toBe('');
    expect(trap.stop()).toEqual([]);
  }, 120_000);

  it('DEBUG SLEEP 4 s, then CLIENT PAUSE 4 s: the snapshot age grows on screen, then connected and new entries', async () => {
    const trap = trapUnhandled();
    const w = await watchMonitor(['enable-debug-command yes']);
    const admin = w.server.client();
    cleanup.push(() => admin.disconnect());
    const figures: Record<string, number> = {};
    for (const [fault, command] of [
      ['DEBUG SLEEP', ['DEBUG', 'SLEEP', '4']],
      ['CLIENT PAUSE', ['CLIENT', 'PAUSE', '4000', 'ALL']],
    ] as const) {
      const side = w.server.client(); // DEBUG SLEEP blocks the connection that sends it
      const at = Date.now();
      const done = side.call(command[0], ...command.slice(1)).finally(() => side.disconnect());
      // While the server is silent the status bar keeps redrawing and says how stale it is.
      const stale = await w.term.waitFor(
        (s) => snapshotAge(s) >= 2,
        `${fault}: a snapshot age of 2 s or more`,
        10_000,
      );
      figures[`${fault} staleShownMs`] = Date.now() - at;
      await done;
      const endedAt = Date.now();
      const recoverMs = await w.recovered(endedAt, fault);
      figures[`${fault} recoverMsAfterEnd`] = recoverMs;
      expect(stale).toMatch(/snapshot \d+(\.\d)?s ago/);
      expect(recoverMs).toBeLessThan(8000);
    }
    const before = await commandCalls(admin);
    await sleep(1000);
    const cps = rate(before, await commandCalls(admin), 1000);
    const stderr = await w.quit();
    report('DEBUG SLEEP 4 s + CLIENT PAUSE 4 s', {
      ...figures,
      commandsPerSecAfter: Math.round(cps),
    });
    expect(cps).toBeLessThan(500);
    expect(stderr).toBe('');
    expect(trap.stop()).toEqual([]);
  }, 120_000);

  it('half-open TCP (the proxy stops forwarding, sockets stay open): reconnecting shown, then connected and new entries', async () => {
    const trap = trapUnhandled();
    let proxy!: HalfOpenProxy;
    const w = await watchMonitor([], async (server) => {
      proxy = await new HalfOpenProxy(server.port).start();
      cleanup.push(() => proxy.close());
      return proxy.url;
    });
    const admin = w.server.client();
    cleanup.push(() => admin.disconnect());
    proxy.blackhole();
    const holedAt = Date.now();
    const before = await commandCalls(admin);
    // Nothing closes the monitor's sockets: only its own watchdogs can notice.
    const noticed = await w.term.waitFor(
      (s) => /✖ reconnecting/.test(s) || snapshotAge(s) >= 3,
      'the half-open connection noticed on screen',
      20_000,
    );
    const noticedMs = Date.now() - holedAt;
    const noticedBy = /✖ reconnecting/.test(noticed) ? 'reconnecting' : 'snapshot age';
    // The watchdogs (a command timeout on the snapshot client, the tail's BLOCK grace) drop the
    // dead sockets: the status bar says so.
    await w.term.waitFor((s) => /✖ reconnecting/.test(s), 'reconnecting on screen', 20_000);
    const reconnectingMs = Date.now() - holedAt;
    proxy.heal(); // new connections are forwarded again; the black-holed ones stay dead
    const healedAt = Date.now();
    const recoverMs = await w.recovered(healedAt, 'half-open', 30_000);
    const cps = rate(before, await commandCalls(admin), Date.now() - holedAt);
    const stderr = await w.quit();
    report('half-open TCP', {
      noticedBy,
      noticedMs,
      reconnectingMs,
      recoverMsAfterHeal: recoverMs,
      commandsPerSec: Math.round(cps),
    });
    expect(noticed).toMatch(/reconnecting|snapshot \d+(\.\d)?s ago/);
    expect(noticedMs).toBeLessThan(15_000);
    expect(reconnectingMs).toBeLessThan(15_000);
    expect(recoverMs).toBeLessThan(20_000);
    expect(cps).toBeLessThan(500);
    expect(stderr).toBe('');
    expect(trap.stop()).toEqual([]);
  }, 120_000);

  it("ACL: the monitor's user loses every permission mid-run, then gets them back: the reason on screen, then connected", async () => {
    const trap = trapUnhandled();
    const w = await watchMonitor(
      ['user watcher on >s3cret ~* &* +@all'],
      (server) => `redis://watcher:s3cret@127.0.0.1:${server.port}`,
    );
    const admin = w.server.client();
    cleanup.push(() => admin.disconnect());
    await admin.call('ACL', 'SETUSER', 'watcher', '-@all');
    const revokedAt = Date.now();
    const refused = await w.term.waitFor(
      (s) => /lacks a permission/.test(s) && /NOPERM/.test(s),
      'the NOPERM reason on screen',
      15_000,
    );
    const reasonShownMs = Date.now() - revokedAt;
    await sleep(2000);
    const later = w.term.screen();
    await admin.call('ACL', 'SETUSER', 'watcher', '+@all');
    const regrantedAt = Date.now();
    const recoverMs = await w.recovered(regrantedAt, 'ACL re-granted');
    const stderr = await w.quit();
    report('ACL revoked mid-run', { reasonShownMs, attemptsIn2s: attempt(later), recoverMs });
    expect(refused).not.toContain('s3cret'); // the password never reaches the screen
    expect(refused).toContain('watcher:***@');
    expect(reasonShownMs).toBeLessThan(8000);
    expect(attempt(later)).toBeLessThan(15); // backoff while refused, not a spin
    expect(recoverMs).toBeLessThan(10_000);
    expect(stderr).toBe('');
    expect(trap.stop()).toEqual([]);
  }, 120_000);

  it('XGROUP DESTROY and DEL of the stream on screen: the group goes, the stream restarts, no error', async () => {
    const trap = trapUnhandled();
    const w = await watchMonitor([]);
    const admin = w.server.client();
    cleanup.push(() => admin.disconnect());
    await admin.xgroup('CREATE', 'm:screen.test', 'doomed', '0');
    w.term.keys('4');
    await w.term.waitFor((s) => /screen\.test › doomed/.test(s), 'the group in pane 4', 10_000);
    await admin.xgroup('DESTROY', 'm:screen.test', 'doomed');
    const gone = await w.term.waitFor(
      (s) => /0 groups/.test(s) && !/doomed/.test(s),
      'the destroyed group gone from pane 4',
      10_000,
    );
    w.term.keys('2');
    const lengthOf = (s: string) =>
      Number(/^\s*›?\s*screen\.test\s+\S+\s+(\d+)/m.exec(s)?.[1] ?? -1);
    const full = await w.term.waitFor(
      (s) => lengthOf(s) > 20,
      'the stream with its length in pane 2',
      10_000,
    );
    const longBefore = lengthOf(full);
    await admin.del('m:screen.test');
    const deletedAt = Date.now();
    // The traffic recreates it at once: pane 2 shows the new, short stream.
    const restarted = await w.term.waitFor(
      (s) => lengthOf(s) >= 0 && lengthOf(s) < longBefore,
      'the recreated stream, shorter, in pane 2',
      10_000,
    );
    const shownMs = Date.now() - deletedAt;
    w.term.keys('1');
    const recoverMs = await w.recovered(deletedAt, 'after DEL');
    const stderr = await w.quit();
    report('XGROUP DESTROY + DEL', {
      lengthBefore: longBefore,
      lengthAfter: lengthOf(restarted),
      shownMs,
      recoverMs,
    });
    expect(gone).toMatch(/no consumer groups under this prefix/);
    expect(restarted).toContain('● connected');
    expect(stderr).toBe('');
    expect(trap.stop()).toEqual([]);
  }, 120_000);
});
