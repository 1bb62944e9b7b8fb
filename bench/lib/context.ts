/** What every benchmark receives from the runner. */
export interface BenchContext {
  quick: boolean;
  /** Repetitions per measurement (≥ 5 unless --quick). */
  runs: number;
  log(message: string): void;
  /** --profile: benchmarks that run our code in a child process add a --cpu-prof run and report its hottest functions. */
  profile: boolean;
  /** Processes/servers registered here are stopped by the runner even when a benchmark throws. */
  onCleanup(fn: () => Promise<void> | void): void;
}

export interface Benchmark {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<import('./report.js').Section>;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Rejects when `p` has not settled after `ms` (a hang in code under test must not stall the whole run). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer!: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
