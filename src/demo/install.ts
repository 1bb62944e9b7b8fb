/**
 * Finding redis-server, and offering to install it when it is missing. The decision is a pure
 * function (`planRedisInstall`) so every branch is tested without running apt.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';

export const APT_INSTALL = ['apt-get', 'install', '-y', 'redis-server'];
export const APT_UPDATE = ['apt-get', 'update'];
export const OTHER_PLATFORMS =
  '  macOS:   brew install redis\n' +
  '  Docker:  docker run --rm -p 127.0.0.1:6379:6379 redis:7   (then: streamscope --url redis://127.0.0.1:6379)\n';

export interface InstallEnvironment {
  platform: NodeJS.Platform;
  /** Contents of /etc/os-release, or null when absent. */
  osRelease: string | null;
  hasAptGet: boolean;
  hasSudo: boolean;
  isRoot: boolean;
  /** stdin and stdout are terminals, so a question can be asked and answered. */
  isTTY: boolean;
  /** `--yes` was given. */
  yes: boolean;
}

export type InstallPlan =
  /** Ask first (`ask`), then run `command`; `notice` says what happens. */
  | { kind: 'install'; command: string[]; ask: boolean; notice: string }
  /** Cannot or may not install: print `message`, exit 1. */
  | { kind: 'refuse'; message: string };

export function isDebianLike(osRelease: string | null): boolean {
  if (!osRelease) return false;
  const ids = /^ID(?:_LIKE)?=(.*)$/gm;
  let m: RegExpExecArray | null;
  while ((m = ids.exec(osRelease))) {
    if (/\b(debian|ubuntu)\b/.test(m[1].replace(/"/g, ''))) return true;
  }
  return false;
}

export function formatCommand(cmd: readonly string[]): string {
  return cmd.join(' ');
}

export function planRedisInstall(env: InstallEnvironment): InstallPlan {
  const missing = 'streamscope demo needs redis-server, and it is not on PATH.\n';
  if (env.platform !== 'linux' || !isDebianLike(env.osRelease) || !env.hasAptGet) {
    return {
      kind: 'refuse',
      message: `${missing}Install it, then run the demo again:\n${OTHER_PLATFORMS}`,
    };
  }
  const command = env.isRoot ? APT_INSTALL : ['sudo', ...APT_INSTALL];
  const shown = formatCommand(command);
  if (!env.isRoot && !env.hasSudo) {
    return {
      kind: 'refuse',
      message: `${missing}Install it as root, then run the demo again:\n  ${formatCommand(APT_INSTALL)}\n`,
    };
  }
  if (env.yes) {
    return {
      kind: 'install',
      command,
      ask: false,
      notice: `${missing}Installing it (--yes): ${shown}\n`,
    };
  }
  if (env.isTTY) {
    return {
      kind: 'install',
      command,
      ask: true,
      notice: `${missing}It can be installed with:\n  ${shown}\n`,
    };
  }
  if (env.isRoot) {
    // Root without a terminal is a container or CI job set up to run this: nobody can answer a
    // question, and the install is what the README's first command promises. Say it, do it.
    return {
      kind: 'install',
      command,
      ask: false,
      notice: `${missing}Running as root without a terminal: installing it now with: ${shown}\n`,
    };
  }
  return {
    kind: 'refuse',
    message: `${missing}Install it, then run the demo again (or pass --yes to let the demo run it):\n  ${shown}\n`,
  };
}

/** Absolute path of redis-server on PATH, or null. */
export function findRedisServer(): string | null {
  try {
    const out = execFileSync('sh', ['-c', 'command -v redis-server'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return out.length > 0 ? out : null;
  } catch {
    return null;
  }
}

function onPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

export function currentInstallEnvironment(yes: boolean): InstallEnvironment {
  let osRelease: string | null = null;
  try {
    osRelease = readFileSync('/etc/os-release', 'utf8');
  } catch {
    osRelease = null;
  }
  return {
    platform: process.platform,
    osRelease,
    hasAptGet: onPath('apt-get'),
    hasSudo: onPath('sudo'),
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    isTTY: !!process.stdin.isTTY && !!process.stdout.isTTY,
    yes,
  };
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function runVisible(cmd: readonly string[], log: (line: string) => void): boolean {
  log(`$ ${formatCommand(cmd)}\n`);
  // DEBIAN_FRONTEND: no debconf dialogs; the package has no questions we need to answer.
  const r = spawnSync(cmd[0], cmd.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0;
}

/**
 * The path of redis-server, installing it first when missing and allowed. Returns null after
 * printing why when it is not available (the caller exits 1).
 */
export async function ensureRedisServer(
  yes: boolean,
  log: (line: string) => void,
): Promise<string | null> {
  const found = findRedisServer();
  if (found) return found;
  const plan = planRedisInstall(currentInstallEnvironment(yes));
  if (plan.kind === 'refuse') {
    log(plan.message);
    return null;
  }
  log(plan.notice);
  if (plan.ask && !(await confirm('Install it now? [y/N] '))) {
    log(`Not installed. Run the command above yourself, or on macOS / Docker:\n${OTHER_PLATFORMS}`);
    return null;
  }
  const sudo = plan.command[0] === 'sudo' ? ['sudo'] : [];
  // A fresh machine (or container) may have no package lists yet: then install fails, and an
  // `apt-get update` followed by one retry fixes it.
  if (!runVisible(plan.command, log)) {
    if (!runVisible([...sudo, ...APT_UPDATE], log) || !runVisible(plan.command, log)) {
      log(
        `Installing redis-server failed. Install it yourself:\n  ${formatCommand(plan.command)}\n`,
      );
      return null;
    }
  }
  const after = findRedisServer();
  // Debian's package also starts a system service on port 6379 where systemd runs. The demo
  // never uses it: it starts a private server of its own on a free port.
  if (after)
    log(
      'redis-server installed. (The demo does not use any system service it may have started; it runs its own private server.)\n',
    );
  if (!after)
    log('redis-server was installed but is still not on PATH (look in /usr/bin or /usr/sbin).\n');
  return after;
}
