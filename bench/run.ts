/**
 * `npm run bench [-- [--quick] [--runs N] [--out FILE] [name…]]`
 *
 * Runs the selected benchmarks (all by default), each against its own private redis-server,
 * and writes bench/RESULTS.md (machine, versions, exact command, one section per benchmark).
 * Never part of `npm test`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import type { Benchmark, BenchContext } from './lib/context.js';
import { sectionMarkdown, markdownTable, type Section } from './lib/report.js';
import { machineFacts } from './lib/machine.js';
import { privateRedis } from './lib/redis.js';

const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  publish: async () => (await import('./publish.js')).benchmark,
  consume: async () => (await import('./consume.js')).benchmark,
  snapshot: async () => (await import('./snapshot.js')).benchmark,
  pending: async () => (await import('./pending.js')).benchmark,
  keepup: async () => (await import('./keepup.js')).benchmark,
  startup: async () => (await import('./startup.js')).benchmark,
  export: async () => (await import('./export.js')).benchmark,
  encoder: async () => (await import('./encoder.js')).benchmark,
  bulk: async () => (await import('./bulk.js')).benchmark,
};

/** Runnable by name, not in the default selection (a part of one above, measured alone). */
const EXTRA: Record<string, () => Promise<Benchmark>> = {
  sampling: async () => (await import('./keepup.js')).samplingBenchmark,
};

interface Args {
  quick: boolean;
  profile: boolean;
  runs: number | null;
  out: string;
  names: string[];
}

const USAGE = `npm run bench -- [--quick] [--profile] [--runs N] [--out FILE] [${[...Object.keys(BENCHMARKS), ...Object.keys(EXTRA)].join('|')} …]`;

function parseArgs(argv: string[]): Args {
  const args: Args = {
    quick: false,
    profile: false,
    runs: null,
    out: fileURLToPath(new URL('./RESULTS.md', import.meta.url)),
    names: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--profile') args.profile = true;
    else if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--out') args.out = argv[++i];
    else if (a === '-h' || a === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (a in BENCHMARKS || a in EXTRA) args.names.push(a);
    else {
      process.stderr.write(`unknown argument "${a}"\n${USAGE}\n`);
      process.exit(2);
    }
  }
  if (args.runs !== null && !(args.runs >= 1)) {
    process.stderr.write('--runs must be ≥ 1\n');
    process.exit(2);
  }
  if (args.names.length === 0) args.names = Object.keys(BENCHMARKS);
  return args;
}

const cleanups: (() => Promise<void> | void)[] = [];

async function runCleanups(): Promise<void> {
  while (cleanups.length) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      process.stderr.write(`cleanup failed: ${String(err)}\n`);
    }
  }
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    process.stderr.write(`\n${sig}: stopping everything this run started…\n`);
    void runCleanups().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const runs = args.runs ?? (args.quick ? 3 : 5);
  const started = new Date();
  const t0 = performance.now();
  const log = (m: string) =>
    process.stderr.write(
      `[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${m}\n`,
    );

  // One throwaway server only to learn its version for the machine table.
  const probe = await privateRedis();
  const redisVersion = probe.version;
  await probe.stop();
  const machine = machineFacts(redisVersion);

  const sections: Section[] = [];
  for (const name of args.names) {
    const bench = await (BENCHMARKS[name] ?? EXTRA[name])();
    log(`── ${name}: ${bench.title}`);
    const local: (() => Promise<void> | void)[] = [];
    const ctx: BenchContext = {
      quick: args.quick,
      profile: args.profile,
      runs,
      log: (m) => log(`${name}: ${m}`),
      onCleanup: (fn) => {
        local.push(fn);
        cleanups.push(fn);
      },
    };
    const s0 = performance.now();
    let section: Section;
    try {
      section = await bench.run(ctx);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      log(`${name} FAILED: ${msg}`);
      if (err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
      section = {
        name,
        title: bench.title,
        method: '',
        tables: [],
        targets: [],
        notes: [],
        error: msg,
      };
    } finally {
      // Stop what this benchmark started, newest first.
      for (const fn of local.reverse()) {
        const i = cleanups.indexOf(fn);
        if (i >= 0) cleanups.splice(i, 1);
        try {
          await fn();
        } catch (err) {
          log(`cleanup failed: ${String(err)}`);
        }
      }
    }
    section.durationMs = performance.now() - s0;
    sections.push(section);
    log(`${name} done in ${(section.durationMs / 1000).toFixed(1)} s`);
  }

  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const totalS = (performance.now() - t0) / 1000;
  const md = [
    '# streamscope benchmarks',
    '',
    `Generated by \`${command}\` on ${started.toISOString()} (${totalS.toFixed(0)} s wall time, ${runs} run(s) per measurement${args.quick ? ', --quick: shorter durations' : ''}).`,
    '',
    'Every figure below was measured in this run against a private `redis-server` started for the benchmark',
    '(loopback, no persistence) and stopped afterwards. Repeated figures are **median (min–max)**.',
    'The machine is small and shared: other work (test suites of parallel sessions) ran at the same time, so',
    'absolute numbers are noisy; ratios measured side by side in the same run (alternating order) are the',
    'more trustworthy figures.',
    '',
    'Benchmarks live in `bench/` (one file per benchmark, helpers in `bench/lib/`) and never run inside `npm test`',
    '(vitest only collects `test/**/*.test.ts`). Reproduce with `npm run bench` (all), `npm run bench -- --quick` (smoke, < 2 min),',
    '`npm run bench -- publish consume` (a selection), `--runs N`, `--profile` (adds a --cpu-prof run of the monitor at 50k/s).',
    '',
    '## Machine',
    '',
    markdownTable({ headers: ['fact', 'value'], rows: machine.rows }),
    '',
    '## Summary of targets',
    '',
    markdownTable({
      headers: ['benchmark', 'what', 'target', 'measured', 'status'],
      rows: sections.flatMap((s) =>
        s.error
          ? [[s.name, '—', '—', `did not complete: ${s.error}`, '**FAILED**']]
          : s.targets.map((t) => [
              s.name,
              t.what,
              t.target,
              t.measured,
              t.status === 'missed' ? '**MISSED**' : t.status,
            ]),
      ),
    }),
    '',
    ...sections.map(sectionMarkdown),
  ].join('\n');
  writeFileSync(args.out, md);
  log(`wrote ${relative(process.cwd(), args.out)}`);
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => runCleanups());
