import { describe, expect, it } from 'vitest';
import { isDebianLike, planRedisInstall, type InstallEnvironment } from '../../src/demo/install.js';
import { parseDemoArgs } from '../../src/cli/demo.js';

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n';
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n';
const MINT = 'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n';
const FEDORA = 'NAME="Fedora Linux"\nID=fedora\n';

const env = (over: Partial<InstallEnvironment>): InstallEnvironment => ({
  platform: 'linux',
  osRelease: DEBIAN,
  hasAptGet: true,
  hasSudo: true,
  isRoot: false,
  isTTY: true,
  yes: false,
  ...over,
});

describe('planRedisInstall', () => {
  it('recognises Debian and its derivatives only', () => {
    expect([DEBIAN, UBUNTU, MINT].map(isDebianLike)).toEqual([true, true, true]);
    expect([FEDORA, null, ''].map(isDebianLike)).toEqual([false, false, false]);
  });

  it('asks on a terminal, showing the exact command (sudo when not root)', () => {
    const p = planRedisInstall(env({}));
    expect(p).toMatchObject({
      kind: 'install',
      ask: true,
      command: ['sudo', 'apt-get', 'install', '-y', 'redis-server'],
    });
    expect(p.kind === 'install' && p.notice).toContain('sudo apt-get install -y redis-server');
    expect(planRedisInstall(env({ isRoot: true }))).toMatchObject({
      ask: true,
      command: ['apt-get', 'install', '-y', 'redis-server'],
    });
  });

  it('installs without asking with --yes, and as root without a terminal (saying so)', () => {
    expect(planRedisInstall(env({ yes: true, isTTY: false }))).toMatchObject({
      kind: 'install',
      ask: false,
    });
    const root = planRedisInstall(env({ isRoot: true, isTTY: false }));
    expect(root).toMatchObject({
      kind: 'install',
      ask: false,
      command: ['apt-get', 'install', '-y', 'redis-server'],
    });
    expect(root.kind === 'install' && root.notice).toMatch(
      /root without a terminal.*apt-get install -y redis-server/,
    );
  });

  it('refuses, with the command, when nobody can answer and we are not root', () => {
    const p = planRedisInstall(env({ isTTY: false }));
    expect(p.kind).toBe('refuse');
    expect(p.kind === 'refuse' && p.message).toContain('sudo apt-get install -y redis-server');
    expect(p.kind === 'refuse' && p.message).toContain('--yes');
    expect(planRedisInstall(env({ hasSudo: false }))).toMatchObject({ kind: 'refuse' });
  });

  it('elsewhere prints the macOS and Docker commands and installs nothing', () => {
    for (const e of [
      env({ platform: 'darwin', osRelease: null }),
      env({ osRelease: FEDORA }),
      env({ hasAptGet: false }),
      env({ platform: 'win32', yes: true }),
    ]) {
      const p = planRedisInstall(e);
      expect(p.kind).toBe('refuse');
      expect(p.kind === 'refuse' && p.message).toContain('brew install redis');
      expect(p.kind === 'refuse' && p.message).toContain('docker run');
    }
  });
});

describe('parseDemoArgs', () => {
  it('has defaults and reads every option', () => {
    expect(parseDemoArgs([])).toEqual({
      ui: true,
      seed: null,
      rate: 200,
      port: undefined,
      yes: false,
      help: false,
    });
    expect(parseDemoArgs(['--no-ui', '--seed', '7', '--rate=50', '--port', '6390', '-y'])).toEqual({
      ui: false,
      seed: 7,
      rate: 50,
      port: 6390,
      yes: true,
      help: false,
    });
    expect(parseDemoArgs(['-h'])).toMatchObject({ help: true });
  });

  it('rejects bad values and unknown options with a message', () => {
    expect(parseDemoArgs(['--rate', 'fast'])).toMatch(
      /--rate: expected a whole number of events\/s from 0 to 100000, got "fast"/,
    );
    expect(parseDemoArgs(['--port', '70000'])).toMatch(/--port/);
    expect(parseDemoArgs(['--seed'])).toMatch(/--seed/);
    expect(parseDemoArgs(['--url', 'redis://x'])).toMatch(/unknown option "--url"/);
  });
});
