/**
 * "See it coming" in a real terminal (tmux, 120×40): a group whose consumer stops while traffic
 * continues shows "growing", the stopped consumer is labelled STUCK within --stuck-after + one
 * refresh, and once a consumer resumes faster than ingest pane 2 gives a finite drain estimate.
 * Then `/` filters panes 2, 3 and 4, and `y` writes an OSC 52 sequence (the raw pane output).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { rawClient, redisUrl, sleep, uniquePrefix } from '../helpers/context.js';
import { MAIN, Terminal, hasTmux } from '../helpers/terminal.js';

const ROOT = join(import.meta.dirname, '..', '..');
const STUCK_AFTER_MS = 1000;
const REFRESH_MS = 250;

let term: Terminal | null = null;
let redis: Redis | null = null;
let timers: NodeJS.Timeout[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const t of timers) clearInterval(t);
  timers = [];
  term?.kill();
  term = null;
  if (redis) {
    const keys = await redis.keys(`${prefixInUse}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    redis = null;
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
let prefixInUse = 'none:';

/** The DRAIN cell of `group`'s row in pane 2 (the row holds the stream and group names). */
function drainOf(screen: string, group: string): string | null {
  const row = screen.split('\n').find((l) => l.includes(` ${group} `));
  const m =
    row &&
    /(growing \+[\d.,]+\/s|drains in \S+|caught up|keeping up|steady|stalled|measuring…)/.exec(row);
  return m ? m[1] : null;
}

describe.skipIf(!hasTmux)('see it coming (tmux)', () => {
  beforeAll(() => {
    if (!existsSync(MAIN) || statSync(join(ROOT, 'src')).mtimeMs > statSync(MAIN).mtimeMs)
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
  }, 120_000);

  it('consumer stops: growing, STUCK within --stuck-after + a refresh; resumes faster: drains in ~…', async () => {
    redis = rawClient();
    const r = redis;
    const prefix = (prefixInUse = uniquePrefix('coming'));
    const key = `${prefix}asset.discovered`;
    await r.xgroup('CREATE', key, 'workers', '$', 'MKSTREAM');
    // Traffic: 20 entries/s.
    timers.push(setInterval(() => void r.xadd(key, '*', 'event', '{}').catch(() => {}), 50));
    // worker-1 keeps up (reads everything new every 100 ms, never acks: it holds what it read).
    let reading = true;
    timers.push(
      setInterval(() => {
        if (reading)
          void r
            .xreadgroup('GROUP', 'workers', 'worker-1', 'COUNT', 100, 'STREAMS', key, '>')
            .catch(() => {});
      }, 100),
    );
    term = new Terminal();
    term.start([
      '--url',
      redisUrl(),
      '--prefix',
      prefix,
      '--refresh',
      String(REFRESH_MS),
      '--stuck-after',
      `${STUCK_AFTER_MS / 1000}s`,
    ]);
    await term.waitFor((s) => s.includes('● connected'), 'connected');
    term.keys('2');
    await term.waitFor((s) => drainOf(s, 'workers') !== null, 'a DRAIN cell');
    await sleep(1500);
    // The consumer stops; traffic goes on.
    reading = false;
    const stoppedAt = Date.now();
    await term.waitFor((s) => /growing \+/.test(drainOf(s, 'workers') ?? ''), '"growing"', 15_000);
    term.keys('4');
    await term.waitFor((s) => /worker-1 STUCK/.test(s), 'worker-1 STUCK', 10_000);
    const stuckAfter = Date.now() - stoppedAt;
    // Labelled within --stuck-after + one refresh, plus what drawing and polling the screen take.
    console.log(
      `STUCK shown ${stuckAfter} ms after the consumer stopped (--stuck-after 1s, refresh ${REFRESH_MS} ms)`,
    );
    expect(stuckAfter).toBeLessThan(STUCK_AFTER_MS + REFRESH_MS + 1500);
    // Let a backlog build, then a consumer resumes at 40 entries/s (twice the ingest) and acks.
    await sleep(7000);
    timers.push(
      setInterval(async () => {
        try {
          const got = (await r.xreadgroup(
            'GROUP',
            'workers',
            'worker-2',
            'COUNT',
            4,
            'STREAMS',
            key,
            '>',
          )) as [string, [string, string[]][]][] | null;
          const ids = got?.[0]?.[1].map(([id]) => id) ?? [];
          if (ids.length) await r.xack(key, 'workers', ...ids);
        } catch {
          /* the test is ending */
        }
      }, 100),
    );
    term.keys('2');
    const screen = await term.waitFor(
      (s) => /drains in (~\d+[smh]|<1s)/.test(drainOf(s, 'workers') ?? ''),
      'a finite drain estimate',
      20_000,
    );
    expect(drainOf(screen, 'workers')).toMatch(/^drains in /);
  }, 90_000);

  it('/ filters panes 2, 3 and 4; y writes an OSC 52 sequence of the selected entry ID', async () => {
    redis = rawClient();
    const r = redis;
    const prefix = (prefixInUse = uniquePrefix('slash'));
    const ids: string[] = [];
    for (const type of ['asset.discovered', 'project.created']) {
      const key = `${prefix}${type}`;
      for (let i = 0; i < 2; i++) {
        const json = JSON.stringify({
          event_id: `${type}-${i}`,
          timestamp: '2026-01-01T00:00:00+00:00',
          source: 'e2e',
          version: '1.0.0',
          event_type: type,
          n: i,
        });
        ids.push((await r.xadd(key, '*', 'event', json))!);
        await r.xadd(`${prefix}all`, '*', 'event', json, 'type', type);
      }
      await r.xgroup('CREATE', key, `${type.split('.')[0]}-group`, '0');
      await r.xreadgroup(
        'GROUP',
        `${type.split('.')[0]}-group`,
        `${type.split('.')[0]}-worker`,
        'STREAMS',
        key,
        '>',
      );
    }
    const dir = mkdtempSync(join(tmpdir(), 'streamscope-e2e-raw-'));
    dirs.push(dir);
    const raw = join(dir, 'raw.out');
    term = new Terminal();
    term.start(['--url', redisUrl(), '--prefix', prefix, '--refresh', String(REFRESH_MS)], {
      TERM: 'xterm-256color',
    });
    await term.waitFor((s) => s.includes('● connected'), 'connected');
    // Pane 2: both groups, then only the one the filter names.
    term.keys('2');
    await term.waitFor(
      (s) => s.includes('asset-group') && s.includes('project-group'),
      'both groups',
    );
    term.keys('/', 'project', 'Enter');
    let s = await term.waitFor(
      (x) => x.includes('filter / project') && !x.includes('asset-group'),
      'pane 2 filtered',
    );
    expect(s).toContain('project-group');
    expect(s).toContain('1 of 3 match'); // two groups and the global stream (no group)
    // Pane 4: by consumer name.
    term.keys('4');
    await term.waitFor(
      (x) => x.includes('asset-worker') && x.includes('project-worker'),
      'both consumers',
    );
    term.keys('/', 'type:asset.*', 'Enter');
    s = await term.waitFor(
      (x) => x.includes('filter / type:asset.*') && !x.includes('project-worker'),
      'pane 4 filtered',
    );
    expect(s).toContain('asset-worker');
    // Pane 3: by payload (n":1 is the second entry's).
    term.keys('2', 'Escape', 'Escape');
    await term.waitFor(
      (x) => !x.includes('filter /') && x.includes('asset-group'),
      'pane 2 unfiltered',
    );
    term.keys('3', 's');
    await term.waitFor((x) => x.includes('Pick a stream / group'), 'the picker');
    term.keys('Enter');
    await term.waitFor(
      (x) =>
        ids.slice(0, 2).every((id) => x.includes(id)) || ids.slice(2).every((id) => x.includes(id)),
      'a page',
    );
    const shown = ids.slice(0, 2).every((id) => term!.screen().includes(id))
      ? ids.slice(0, 2)
      : ids.slice(2);
    term.keys('/', '"n":1', 'Enter');
    s = await term.waitFor((x) => x.includes('1 of 2 match'), 'pane 3 filtered');
    expect(s).toContain(shown[1]);
    expect(s).not.toContain(shown[0]);
    // y: the selected entry ID as OSC 52, in the raw output.
    term.pipeTo(raw);
    await sleep(200);
    term.keys('y');
    await term.waitFor(
      (x) => x.includes(`copied entry ID ${shown[1]} (OSC 52)`),
      'the copy notice',
    );
    const seq = `\x1b]52;c;${Buffer.from(shown[1]).toString('base64')}\x07`;
    await sleep(300);
    expect(readFileSync(raw, 'latin1')).toContain(seq);
  }, 90_000);
});
