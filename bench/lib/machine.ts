/** Facts about the machine and versions, for RESULTS.md. */
import { cpus, totalmem, loadavg, release } from 'node:os';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

function readJson(path: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function pkgVersion(name: string): string {
  const pkg = readJson(
    new URL(`../../node_modules/${name}/package.json`, import.meta.url).pathname,
  );
  return typeof pkg?.version === 'string' ? pkg.version : 'not installed';
}

function cmd(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

function os(): string {
  try {
    const t = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]+)"?/m.exec(t)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export interface MachineFacts {
  rows: [string, string][];
}

export function machineFacts(redisVersion: string): MachineFacts {
  const c = cpus();
  const self = readJson(new URL('../../package.json', import.meta.url).pathname);
  return {
    rows: [
      ['CPU', `${c[0]?.model ?? 'unknown'} × ${c.length} (logical cores visible to Node)`],
      ['Memory', `${(totalmem() / 2 ** 30).toFixed(1)} GiB`],
      ['OS', `${os()} (kernel ${release()})`],
      [
        'Load average at start (1/5/15 min)',
        loadavg()
          .map((x) => x.toFixed(2))
          .join(' / '),
      ],
      ['Node', process.version],
      ['redis-server', redisVersion],
      ['redis-benchmark', cmd('redis-benchmark', ['--version']).replace(/^redis-benchmark\s*/, '')],
      ['tmux', cmd('tmux', ['-V'])],
      [
        'streamscope',
        String(self?.version ?? 'unknown') +
          ` (git ${cmd('git', ['rev-parse', '--short', 'HEAD'])})`,
      ],
      ['ioredis', pkgVersion('ioredis')],
      ['ink', pkgVersion('ink')],
      ['react', pkgVersion('react')],
      ['zustand', pkgVersion('zustand')],
      ['tsx', pkgVersion('tsx')],
    ],
  };
}
