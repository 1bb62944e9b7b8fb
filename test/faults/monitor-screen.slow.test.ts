/**
 * Slow (`npm run test:faults`): the real monitor (dist/cli/main.js) in tmux while its server is
 * attacked — CLIENT KILL of every client (3×), then kill -9 of the redis-server and a restart
 * (AOF on). The screen must keep rendering and show the state: `● connected` again within a
 * bound after the kills; `✖ reconnecting (attempt N)` while the server is gone, N growing slowly
 * (no hot loop); `● connected` again within a bound of the restart; entries published after it
 * on the screen; an empty stderr; `q` exits 0.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { Terminal, hasTmux } from '../helpers/terminal.js';
import { commandCalls, FaultServer, rate, sleep, trapUnhandled } from './harness.js';

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

describe.skipIf(!hasTmux)('the monitor on screen during faults (tmux)', () => {
  it('CLIENT KILL ×3, then kill -9 and a restart: keeps rendering, shows reconnecting, then connected and new entries', async () => {
    const trap = trapUnhandled();
    const server = await FaultServer.start(['appendonly yes', 'appendfsync everysec']);
    cleanup.push(() => server.dispose());
    const admin = server.client();
    cleanup.push(() => admin.disconnect());
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
    term.startAlone(['--url', server.url, '--prefix', 'm:'], join(dir, 'pid'), join(dir, 'err'));
    await term.waitFor(
      (s) => s.includes('● connected') && s.includes('screen.test'),
      'connected with entries',
      20_000,
    );

    // 1. CLIENT KILL of every client, three times.
    const before = await commandCalls(admin);
    const t0 = Date.now();
    for (let k = 0; k < 3; k++) {
      await sleep(400);
      await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    }
    const killedAt = Date.now();
    const afterKills = await term.waitFor(
      (s) => s.includes('● connected') && newestOnScreen(s) > killedAt,
      'connected again with entries newer than the kills',
      15_000,
    );
    const killsRecoverMs = Date.now() - killedAt;
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
    const attempt = (s: string) => Number(/reconnecting \(attempt (\d+)\)/.exec(s)?.[1] ?? 0);
    const attemptsWhileDown = attempt(later);
    // 3. The server comes back (AOF: the stream survives).
    await server.restart();
    const backAt = Date.now();
    await term.waitFor((s) => s.includes('● connected'), 'connected after the restart', 20_000);
    const restartRecoverMs = Date.now() - backAt;
    await term.waitFor(
      (s) => newestOnScreen(s) > backAt,
      'an entry published after the restart',
      15_000,
    );
    const newEntryMs = Date.now() - backAt;

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
    const stderr = readFileSync(join(dir, 'err'), 'utf8');
    console.log(
      `fault: monitor screen: ${JSON.stringify({ published, killsRecoverMs, commandsPerSecDuringKills: Math.round(cps), reconnectingShownMs, attemptsIn3s: attemptsWhileDown, restartRecoverMs, newEntryMs, stderrBytes: stderr.length })}`,
    );
    expect(afterKills).not.toMatch(/reconnecting/);
    expect(killsRecoverMs).toBeLessThan(5000);
    expect(cps).toBeLessThan(500);
    expect(down).toMatch(/✖ reconnecting/);
    expect(reconnectingShownMs).toBeLessThan(8000);
    expect(attempt(later)).toBeGreaterThanOrEqual(attempt(down)); // redrawn while down
    expect(attemptsWhileDown).toBeLessThan(20); // backoff, not a spin
    expect(restartRecoverMs).toBeLessThan(8000);
    expect(stderr).toBe('');
    expect(trap.stop()).toEqual([]);
  }, 120_000);
});
