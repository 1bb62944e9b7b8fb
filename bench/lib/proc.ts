/** Process CPU and memory from /proc (Linux), sampled from outside the measured process. */
import { readFileSync, readdirSync } from 'node:fs';

const CLK_TCK = 100; // USER_HZ: 100 on Linux x86-64

/** utime + stime of a process in seconds, or null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces: split after the closing parenthesis.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime is field 14, stime 15.
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return (utime + stime) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Seconds the process's threads spent runnable but waiting for a CPU (/proc/<pid>/schedstat, field 2), or null. */
export function runQueueWaitSeconds(pid: number): number | null {
  try {
    // Sum over threads: the main thread plus libuv/V8 workers.
    const tasks = readdirSync(`/proc/${pid}/task`);
    let ns = 0;
    for (const t of tasks)
      ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[1]);
    return ns / 1e9;
  } catch {
    return null;
  }
}

/** Resident set size and its high-water mark (bytes), or null when the process is gone. */
export function memory(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN) * 1024;
    const hwm = Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? NaN) * 1024;
    return { rss, hwm };
  } catch {
    return null;
  }
}

/** Samples CPU use and RSS of one process at an interval; call `stop()` for the figures. */
export class ProcSampler {
  private timer: NodeJS.Timeout | null = null;
  private startCpu: number | null = null;
  private startAt = 0;
  private lastCpu: number | null = null;
  private lastAt = 0;
  private startWait: number | null = null;
  private lastWait: number | null = null;
  peakRss = 0;
  readonly rssSamples: number[] = [];

  constructor(
    readonly pid: number,
    private readonly intervalMs = 250,
  ) {}

  start(): this {
    this.startCpu = cpuSeconds(this.pid);
    this.startAt = performance.now();
    this.lastCpu = this.startCpu;
    this.lastAt = this.startAt;
    this.startWait = runQueueWaitSeconds(this.pid);
    this.lastWait = this.startWait;
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  private sample(): void {
    const cpu = cpuSeconds(this.pid);
    if (cpu !== null) {
      this.lastCpu = cpu;
      this.lastAt = performance.now();
      this.lastWait = runQueueWaitSeconds(this.pid) ?? this.lastWait;
    }
    const mem = memory(this.pid);
    if (mem) {
      this.rssSamples.push(mem.rss);
      this.peakRss = Math.max(this.peakRss, mem.rss, Number.isFinite(mem.hwm) ? mem.hwm : 0);
    }
  }

  /** Average cores used since start() (CPU seconds / wall seconds). */
  stop(): { cores: number; peakRss: number; waitingCores: number } {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const wall = (this.lastAt - this.startAt) / 1000;
    const cores =
      this.startCpu !== null && this.lastCpu !== null && wall > 0
        ? (this.lastCpu - this.startCpu) / wall
        : NaN;
    const waitingCores =
      this.startWait !== null && this.lastWait !== null && wall > 0
        ? (this.lastWait - this.startWait) / wall
        : NaN;
    return { cores, peakRss: this.peakRss, waitingCores };
  }
}

export const MB = 1024 * 1024;
