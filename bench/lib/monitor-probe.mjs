// Preloaded into the real monitor process by the keep-up benchmark (`node --import <this> dist/cli/main.js …`)
// because the monitor has no stats hook yet. It only observes:
//  - every XREAD reply on any ioredis connection of the process (the tail is the monitor's only XREAD):
//    entries received and, per entry, tail lag = receipt time − the entry ID's millisecond part;
//  - process.stdout.write calls (Ink writes one chunk per frame) and bytes.
// Every 500 ms and at exit it writes JSON to $STREAMSCOPE_BENCH_STATS (cumulative; sparse 1 ms lag histogram).
import { createRequire } from 'node:module';
import { writeFileSync, renameSync } from 'node:fs';

const out = process.env.STREAMSCOPE_BENCH_STATS;
const require = createRequire(new URL('../../package.json', import.meta.url));
const { Redis } = require('ioredis');

const stats = {
  pid: process.pid,
  xreads: 0,
  entries: 0,
  firstEntryAt: null,
  lastEntryAt: null,
  lastId: null,
  writes: 0,
  writeBytes: 0,
  lag: {},
};

const original = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function patchedSendCommand(command, ...rest) {
  const result = original.call(this, command, ...rest);
  if (command && command.name === 'xread' && command.promise) {
    command.promise.then(
      (reply) => {
        const now = Date.now();
        stats.xreads++;
        if (!Array.isArray(reply)) return;
        for (const stream of reply) {
          const entries = stream && stream[1];
          if (!Array.isArray(entries)) continue;
          for (const entry of entries) {
            const id = String(entry[0]);
            const ms = Number(id.slice(0, id.indexOf('-')));
            const lag = Math.max(0, Math.floor(now - ms));
            stats.lag[lag] = (stats.lag[lag] || 0) + 1;
            stats.entries++;
            stats.lastId = id;
          }
          if (entries.length) {
            stats.firstEntryAt ??= now;
            stats.lastEntryAt = now;
          }
        }
      },
      () => {},
    );
  }
  return result;
};

const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  stats.writes++;
  stats.writeBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  return write(chunk, ...rest);
};

function flush() {
  if (!out) return;
  try {
    writeFileSync(
      `${out}.tmp`,
      JSON.stringify({ ...stats, at: Date.now(), memory: process.memoryUsage() }),
    );
    renameSync(`${out}.tmp`, out);
  } catch {
    // never disturb the monitor
  }
}
setInterval(flush, 500).unref();
process.on('exit', flush);
