/**
 * The keep-up benchmark's CPU baseline: a bare ioredis `XREAD BLOCK 1000 COUNT 1000` loop on the
 * global stream from `$`, counting entries and nothing else (no decoding, no UI). It runs beside
 * the monitor on the same stream at the same rate, so the monitor's CPU can be stated as a ratio.
 * Prints `ready` once connected; on SIGTERM prints one JSON line `{ "received": n }` and exits.
 *
 *   tsx bench/xread-loop.ts --url redis://127.0.0.1:PORT --prefix bench:k:
 */
import { Redis } from 'ioredis';

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || process.argv[i + 1] === undefined) throw new Error(`--${name} is required`);
  return process.argv[i + 1];
}

const r = new Redis(arg('url'), { connectionName: 'bench-xread-loop' });
const key = `${arg('prefix')}all`;
let received = 0;
let running = true;

process.on('SIGTERM', () => {
  running = false;
  process.stdout.write(`${JSON.stringify({ received })}\n`);
  r.disconnect();
  process.exit(0);
});

async function main(): Promise<void> {
  await r.ping();
  let last = '$';
  process.stdout.write('ready\n');
  while (running) {
    const reply = (await r.xread('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', key, last)) as
      [string, [string, string[]][]][] | null;
    if (!reply) continue;
    const entries = reply[0][1];
    received += entries.length;
    last = entries[entries.length - 1][0];
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
