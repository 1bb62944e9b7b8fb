/** What every benchmark receives from the runner. */
export interface BenchContext {
  quick: boolean;
  /** Repetitions per measurement (≥ 5 unless --quick). */
  runs: number;
  log(message: string): void;
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
