import { spawn, spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/tail.js';
import { freePort, startRedisServer } from '../../src/local-redis/private-redis.js';
import { EventPersistence } from '../../src/streams/event-persistence.js';
import { rawClient, redisUrl, uniquePrefix, waitFor } from '../helpers/context.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c) => (text += c));
  return { stream, text: () => text };
}

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('streamscope tail', () => {
  it('prints live events as JSON lines for the chosen types', async () => {
    const prefix = uniquePrefix('tail');
    const out = capture();
    const err = capture();
    const ac = new AbortController();
    const code = run(['--url', redisUrl(), '--prefix', prefix, '--types', 'a,b', '--json'], {
      stdout: out.stream,
      stderr: err.stream,
      signal: ac.signal,
    });
    const p = new EventPersistence({ redisUrl: redisUrl(), streamPrefix: prefix });
    await p.connect();
    await new Promise((r) => setTimeout(r, 150));
    await p.persistEvent({ eventType: 'a', data: { n: 1 } });
    await p.persistEvent({ eventType: 'c', data: { n: 2 } });
    await p.persistEvent({ eventType: 'b', data: { n: 3 } });
    await waitFor(() => out.text().trim().split('\n').length === 2 && out.text().endsWith('\n'));
    ac.abort();
    expect(await code).toBe(0);
    expect(
      out
        .text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).event.data.n),
    ).toEqual([1, 3]);
    expect(err.text()).toBe('');
    await p.disconnect();
  });

  it('--help prints usage; an unknown option exits 2', async () => {
    const out = capture();
    expect(await run(['--help'], { stdout: out.stream, stderr: out.stream })).toBe(0);
    expect(out.text()).toMatch(/Usage: streamscope tail/);
    expect(out.text()).toMatch(/REDIS_PASSWORD, else REDISCLI_AUTH/);
    const err = capture();
    expect(await run(['--bogus'], { stdout: out.stream, stderr: err.stream })).toBe(2);
    expect(err.text()).toMatch(/bogus/);
  });

  it('against a stopped server: one line, no stack trace, exit 1, no password (real process)', async () => {
    const port = await freePort();
    const res = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'tail',
        '--url',
        `redis://u:hunter2-secret@127.0.0.1:${port}`,
      ],
      { cwd: root, encoding: 'utf8', timeout: 15000 },
    );
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^streamscope tail: cannot connect to redis:\/\/u:\*\*\*@127\.0\.0\.1:\d+: connection refused/,
    );
    expect(res.stderr).not.toContain('hunter2');
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('start-up lookup: a global key of another type → WRONGTYPE naming the key, one line, exit 1', async () => {
    const prefix = uniquePrefix('tailwt');
    const redis = rawClient();
    await redis.set(`${prefix}all`, 'not a stream');
    redis.disconnect();
    const out = capture();
    const err = capture();
    expect(
      await run(['--url', redisUrl(), '--prefix', prefix], {
        stdout: out.stream,
        stderr: err.stream,
      }),
    ).toBe(1);
    expect(out.text()).toBe('');
    expect(err.text()).toMatch(
      new RegExp(
        `^streamscope tail: ${prefix}all at redis://127\\.0\\.0\\.1:\\d+/? is not a stream \\(it holds another type\\), so there is nothing to tail\\. .*\\n$`,
      ),
    );
  });

  it('start-up lookup refused by the ACL → classified NOPERM with the URL (no password) and an ACL SETUSER hint', async () => {
    const server = await startRedisServer({
      config: ['user noxinfo on >pw-tail-secret ~* &* +@all -xinfo'],
    });
    try {
      const out = capture();
      const err = capture();
      const code = await run(
        ['--url', `redis://noxinfo:pw-tail-secret@127.0.0.1:${server.port}`, '--prefix', 'x:'],
        { stdout: out.stream, stderr: err.stream },
      );
      expect(code).toBe(1);
      const lines = err.text().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^streamscope tail: the Redis user lacks a permission at redis:\/\/noxinfo:\*\*\*@127\.0\.0\.1:\d+\/?: NOPERM .*xinfo.*Grant it with ACL SETUSER <user> \+xinfo/,
      );
      expect(err.text()).not.toContain('pw-tail-secret');
      expect(err.text()).not.toMatch(/read-only/);
    } finally {
      await server.stop();
    }
  });

  it('real process: shows published events and exits 0 within 1 s of Ctrl-C (SIGINT)', async () => {
    const prefix = uniquePrefix('tailp');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'tail', '--url', redisUrl(), '--prefix', prefix],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const p = new EventPersistence({ redisUrl: redisUrl(), streamPrefix: prefix });
    await p.connect();
    try {
      // The child needs a moment to start: publish until its first line appears.
      await waitFor(
        async () => {
          await p.persistEvent({
            eventType: 'asset.discovered',
            data: { file_path: '/inbox/cat.png' },
          });
          return out.includes('asset.discovered');
        },
        15000,
        200,
      );
      expect(out.split('\n')[0]).toMatch(
        /^\d+-\d+ asset\.discovered \{"file_path":"\/inbox\/cat\.png"\}$/,
      );
      const t0 = Date.now();
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      child.kill('SIGKILL');
      await p.disconnect();
    }
  });
});
