/** Closed-loop load: `concurrency` workers call `op` back to back for `durationMs`. */

export interface LoadResult {
  ops: number;
  seconds: number;
  perSecond: number;
}

export async function closedLoop(
  concurrency: number,
  durationMs: number,
  op: (seq: number) => Promise<unknown>,
  warmupMs = 0,
): Promise<LoadResult> {
  let seq = 0;
  let counting = warmupMs === 0;
  let counted = 0;
  let stop = false;
  let t0 = performance.now();
  let tEnd = 0;
  if (warmupMs > 0) {
    setTimeout(() => {
      counting = true;
      t0 = performance.now();
    }, warmupMs);
  }
  const timer = setTimeout(() => {
    stop = true;
    tEnd = performance.now();
  }, warmupMs + durationMs);
  const worker = async () => {
    while (!stop) {
      await op(seq++);
      if (counting && !stop) counted++;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    clearTimeout(timer);
  }
  const seconds = (tEnd - t0) / 1000;
  return { ops: counted, seconds, perSecond: counted / seconds };
}
