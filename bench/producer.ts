/**
 * Separate producer process for the keep-up benchmark: offers `--rate` events/s of seed-format
 * global-stream entries (`event`, `type`) for `--seconds`, open loop (paced on a 5 ms tick,
 * pipelined), MAXLEN ~ `--maxlen`. Prints one JSON line with what it actually sent.
 *
 *   tsx bench/producer.ts --url redis://127.0.0.1:PORT --prefix bench:k: --rate 50000 --seconds 30
 */
import { Redis } from 'ioredis';
import { wireJson } from './lib/workload.js';

function arg(name: string, def?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1] !== undefined) return process.argv[i + 1];
  if (def === undefined) throw new Error(`--${name} is required`);
  return def;
}

const url = arg('url');
const prefix = arg('prefix');
const rate = Number(arg('rate'));
const seconds = Number(arg('seconds'));
const maxLen = Number(arg('maxlen', '200000'));
const alsoTypeStreams = process.argv.includes('--type-streams');
const TICK_MS = 5;
const MAX_IN_FLIGHT = 20_000; // entries sent but not yet answered: beyond this we are falling behind

const r = new Redis(url, { connectionName: 'bench-producer', maxRetriesPerRequest: null });
const payloads = Array.from({ length: 1000 }, (_, i) => wireJson(i));
const globalKey = `${prefix}all`;

let issued = 0;
let acked = 0;
let errors = 0;
let firstId: string | null = null;
let lastId: string | null = null;

async function main(): Promise<void> {
  await r.ping();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (now >= end) return resolve();
      const due = Math.floor(((now - t0) / 1000) * rate);
      let n = due - issued;
      if (acked + MAX_IN_FLIGHT < issued + n) n = Math.max(0, acked + MAX_IN_FLIGHT - issued);
      if (n > 0) {
        const p = r.pipeline();
        for (let i = 0; i < n; i++) {
          const { eventType, json } = payloads[(issued + i) % payloads.length];
          p.xadd(globalKey, 'MAXLEN', '~', maxLen, '*', 'event', json, 'type', eventType);
          if (alsoTypeStreams)
            p.xadd(`${prefix}${eventType}`, 'MAXLEN', '~', maxLen / 2, '*', 'event', json);
        }
        issued += n;
        const batch = n;
        p.exec().then(
          (res) => {
            for (const [err] of res ?? []) if (err) errors++;
            const step = alsoTypeStreams ? 2 : 1;
            const ids = (res ?? []).filter((_, i) => i % step === 0).map(([, id]) => id as string);
            if (!firstId) firstId = ids[0] ?? null;
            lastId = ids[ids.length - 1] ?? lastId;
            acked += batch;
          },
          () => {
            errors += batch;
            acked += batch;
          },
        );
      }
      setTimeout(tick, TICK_MS);
    };
    tick();
  });
  const sendEnd = performance.now();
  while (acked < issued) await new Promise((res) => setTimeout(res, 5));
  const elapsed = (sendEnd - t0) / 1000;
  process.stdout.write(
    JSON.stringify({
      offeredRate: rate,
      seconds: elapsed,
      sent: acked - errors,
      errors,
      achievedRate: (acked - errors) / elapsed,
      firstId,
      lastId,
      drainMs: performance.now() - sendEnd,
    }) + '\n',
  );
  r.disconnect();
}

main().catch((err: unknown) => {
  process.stderr.write(`producer: ${String(err)}\n`);
  r.disconnect();
  process.exitCode = 1;
});
