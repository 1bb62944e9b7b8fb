/**
 * The monitor's Tail class alone, in its own process (no UI): run with `node --expose-gc --import tsx`.
 * Tails `<prefix>all` until nothing has arrived for 1.5 s after the first entry (or --timeout-ms passes), then prints one JSON
 * line: entries received, tail lag p50/p99 at emit time (now − entry-ID time), and heap still
 * retained after a full GC (what the tail keeps alive per event received).
 */
import { Tail } from '../src/monitor/tail.js';
import { createBlockingClient } from '../src/streams/connection.js';
import { createKeySpace } from '../src/core/keys.js';
import { streamIdToMs } from '../src/core/stream-id.js';
import { LatencyHistogram } from './lib/stats.js';

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || process.argv[i + 1] === undefined) throw new Error(`--${name} is required`);
  return process.argv[i + 1];
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const url = arg('url');
const timeoutMs = Number(arg('timeout-ms'));
const lag = new LatencyHistogram();
let received = 0;
let lastAt = 0;
let done!: () => void;
const finished = new Promise<void>((r) => (done = r));
const tail = new Tail({
  createClient: () => createBlockingClient({ url, connectionName: 'bench-tail-probe' }),
  keys: createKeySpace(arg('prefix')),
  emit: (m) => {
    if (m.type !== 'EventsReceived') return;
    const now = Date.now();
    for (const e of m.events) lag.add(now - streamIdToMs(e.id));
    received += m.events.length;
    lastAt = now;
  },
});
await tail.start();
gc();
const before = process.memoryUsage();
process.stdout.write('ready\n');
const timer = setTimeout(done, timeoutMs);
const idle = setInterval(() => lastAt > 0 && Date.now() - lastAt > 1_500 && done(), 100);
await finished;
clearTimeout(timer);
clearInterval(idle);
await new Promise((r) => setTimeout(r, 200));
gc();
const after = process.memoryUsage();
process.stdout.write(
  JSON.stringify({
    received,
    lagP50: lag.percentile(50),
    lagP99: lag.percentile(99),
    retainedHeapMb: (after.heapUsed - before.heapUsed) / 2 ** 20,
    retainedBuffersMb: (after.arrayBuffers - before.arrayBuffers) / 2 ** 20,
    rssMb: after.rss / 2 ** 20,
  }) + '\n',
);
await tail.close();
