/**
 * The package as a user gets it: `npm pack` → a tarball that (a) installs globally into a temp
 * prefix with a clean HOME and runs `streamscope --help`, (b) type-checks and runs in a fresh
 * TypeScript consumer project under moduleResolution nodenext and bundler, (c) carries only
 * what it needs. Dependencies come from the local npm cache (--prefer-offline); anything missing
 * there is fetched from the npm registry (the only network this needs). Needs the build (npm
 * test builds first); ~25 s of CPU, 2–3 minutes of wall time at a load of 24 on 2 cores.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../helpers/context.js';

const run = promisify(execFile);
const repo = new URL('../../', import.meta.url).pathname;
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
const tsxLoader = join(repo, 'node_modules/tsx/dist/esm/index.mjs');

let work: string;
let tarball: string;
let prefix: string;
let home: string;
let packed: { size: number; unpackedSize: number; files: { path: string }[] };

/** The environment a fresh user has: PATH and an empty HOME; none of npm test's npm_* variables. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...extra };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'streamscope-pack-'));
  home = join(work, 'home');
  prefix = join(work, 'prefix');
  mkdirSync(home);
  // --ignore-scripts: `prepare` would rebuild; npm test has just built dist/.
  const { stdout } = await run(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
    { cwd: repo, maxBuffer: 16 << 20 },
  );
  const [info] = JSON.parse(stdout) as [typeof packed & { filename: string }];
  packed = info;
  tarball = join(work, info.filename);
}, 180_000);

// Removing the global install (its node_modules) took over 20 s (the default hook limit) at a
// load of 20 on 2 cores.
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
}, 180_000);

describe('npm pack', () => {
  it('carries only what it needs: dist JS, the API declarations, README, package.json', () => {
    const paths = packed.files.map((f) => f.path);
    const strays = paths.filter(
      (p) => !/^dist\/.+\.(js|d\.ts)$/.test(p) && p !== 'README.md' && p !== 'package.json',
    );
    expect(strays).toEqual([]);
    expect(paths).toContain('dist/cli/main.js');
    expect(paths).toContain('dist/index.d.ts');
    expect(paths.some((p) => p.endsWith('.map'))).toBe(false);
    // Declarations only for the library's API (what dist/index.d.ts reaches), not the CLI's.
    const declarations = paths.filter((p) => p.endsWith('.d.ts'));
    expect(
      declarations.filter((p) => !/^dist\/(index\.d\.ts|(core|streams|bus)\/)/.test(p)),
    ).toEqual([]);
    expect(declarations).toContain('dist/streams/event-persistence.d.ts');
    // Test-only code stays out; what the CLI runs (the demo's private server) stays in.
    expect(paths).not.toContain('dist/local-redis/private-cluster.js');
    expect(paths).toContain('dist/local-redis/private-redis.js');
    console.log(
      `tarball: ${(packed.size / 1024).toFixed(0)} kB packed, ${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked, ${paths.length} files`,
    );
    expect(packed.size).toBeLessThan(600 * 1024);
  });

  it('installs globally into a temp prefix with a clean HOME and runs streamscope --help', async () => {
    // The user's npm settings that are not about HOME: the cache to install offline from, and
    // the global config (CA file) — a --prefix moves the global config along with it otherwise.
    const cache = (await run('npm', ['config', 'get', 'cache'])).stdout.trim();
    const globalconfig = (await run('npm', ['config', 'get', 'globalconfig'])).stdout.trim();
    await run(
      'npm',
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        tarball,
        '--cache',
        cache,
        '--globalconfig',
        globalconfig,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--no-update-notifier',
      ],
      { env: cleanEnv(), timeout: 240_000 },
    );
    const { stdout } = await run(join(prefix, 'bin/streamscope'), ['--help'], {
      env: cleanEnv(),
      timeout: 60_000,
    });
    expect(stdout).toMatch(/^streamscope — a terminal monitor for Redis Streams/);
    expect(stdout).toContain('streamscope tail');
  }, 300_000);

  it('type-checks and runs in a fresh TypeScript project under nodenext and bundler', async () => {
    const app = join(work, 'consumer');
    mkdirSync(join(app, 'node_modules/@types'), { recursive: true });
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    // The installed package (with its dependencies), and the tools a consumer would add.
    symlinkSync(
      join(prefix, 'lib/node_modules/streamscope'),
      join(app, 'node_modules/streamscope'),
    );
    symlinkSync(join(repo, 'node_modules/@types/node'), join(app, 'node_modules/@types/node'));
    // The README's typed example, as is, and type errors that must stay errors in the package.
    copyFileSync(join(repo, 'examples/typed-events.ts'), join(app, 'index.ts'));
    writeFileSync(
      join(app, 'types.ts'),
      [
        "import { EventPersistence, type SeedEvents } from 'streamscope';",
        'const p = new EventPersistence<SeedEvents>();',
        '// @ts-expect-error a payload of the wrong shape does not compile against the package',
        "void p.persistEvent({ eventType: 'asset.discovered', data: { file_path: 1 } });",
        '// @ts-expect-error nor an unknown event type',
        "void p.persistEvent({ eventType: 'asset.discoverd', data: {} });",
        "void new EventPersistence().persistEvent({ eventType: 'anything', data: { x: 1 } });",
        '',
      ].join('\n'),
    );
    // nodenext also checks every declaration file (ours and our dependencies', as a strict
    // consumer would); bundler skips that (tsc --init's default): it adds ~20 s under load.
    const base = { target: 'ES2022', strict: true, types: ['node'] };
    writeFileSync(
      join(app, 'tsconfig.nodenext.json'),
      JSON.stringify({
        compilerOptions: {
          ...base,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          skipLibCheck: false,
          outDir: 'out',
        },
        files: ['index.ts', 'types.ts'],
      }),
    );
    writeFileSync(
      join(app, 'tsconfig.bundler.json'),
      JSON.stringify({
        compilerOptions: {
          ...base,
          module: 'esnext',
          moduleResolution: 'bundler',
          skipLibCheck: true,
          noEmit: true,
        },
        files: ['index.ts', 'types.ts'],
      }),
    );
    // Generous limits: the nodenext check takes ~15 s of CPU, and ~60 s of wall time at a load
    // of 24 on a 2-core machine (it was killed at 60 s once, failing with no compiler output).
    const opts = { cwd: app, env: cleanEnv(), timeout: 240_000 };
    for (const config of ['tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
      const r = await run(process.execPath, [tsc, '-p', config], opts).catch(
        (e: { stdout?: string; message?: string }) => ({
          stdout: `FAILED ${config}\n${e.stdout}\n${e.message}`,
        }),
      );
      expect(r.stdout).toBe('');
    }
    const expected = [
      'INVALID_PAYLOAD order.placed payload refused by its schema: total_cents: must be whole cents ≥ 0',
      'placed o-1 12.99',
      'shipped o-1 via DHL',
    ];
    const env = cleanEnv({ REDIS_URL: redisUrl() });
    // nodenext: tsc's output run by node.
    const nodenext = await run(process.execPath, ['out/index.js'], { ...opts, env });
    expect(nodenext.stdout.trim().split('\n')).toEqual(expected);
    // bundler: the source run through an esbuild-based loader (tsx), as a bundler would.
    const bundled = await run(process.execPath, ['--import', tsxLoader, 'index.ts'], {
      ...opts,
      env: cleanEnv({ REDIS_URL: redisUrl() }),
    });
    expect(bundled.stdout.trim().split('\n')).toEqual(expected);
  }, 600_000);
});
