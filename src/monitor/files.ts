/**
 * The monitor's files port: `y` / `Y` copy (monitor/clipboard.ts: OSC 52, else a file under the
 * state dir) and `e` export: NDJSON (core/ndjson.ts, the lines `streamscope export` writes) to
 * `<state dir>/exports/`, written in chunks with back-pressure, progress as messages.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MonitorMessage } from '../core/messages.js';
import { entryLineFromText } from '../core/ndjson.js';
import type { MonitorFilesPort } from '../core/ports.js';
import { copyText, stateDir, type ClipboardIo } from './clipboard.js';

export interface FilesOptions {
  io: ClipboardIo;
  emit: (msg: MonitorMessage) => void;
  /** Where exports go; default `<state dir>/exports`. */
  exportDir?: string;
  /** Progress every this many entries. */
  progressEvery?: number;
}

/** A file name part from a group or pane name: letters, digits, `.`, `-`, `_` only. */
const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);

export function createFiles(o: FilesOptions): MonitorFilesPort {
  const every = o.progressEvery ?? 1000;
  return {
    copy: (text, what) => copyText(text, what, o.io).notice,
    async exportEntries(name, records) {
      const dir = o.exportDir ?? join(stateDir(o.io.env), 'exports');
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const path = join(dir, `streamscope-${safe(name)}-${stamp}.ndjson`);
      const total = records.length;
      let written = 0;
      const progress = (done: boolean, error: string | null) =>
        o.emit({ type: 'ExportProgressed', path, written, total, done, error, at: Date.now() });
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const out = createWriteStream(path, { mode: 0o600 });
        const failed = new Promise<never>((_, reject) => out.once('error', reject));
        failed.catch(() => {}); // awaited below; an error after the last await is not unhandled
        let chunk = '';
        for (const r of records) {
          chunk += entryLineFromText(r.stream, r.id, r.fields);
          written++;
          if (written % every === 0) {
            // Back-pressure: wait for the file to take the chunk, then say how far it got.
            if (!out.write(chunk))
              await Promise.race([
                new Promise<void>((r2) => out.once('drain', () => r2())),
                failed,
              ]);
            chunk = '';
            progress(false, null);
          }
        }
        out.end(chunk);
        await Promise.race([new Promise<void>((r2) => out.once('finish', () => r2())), failed]);
        progress(true, null);
      } catch (err) {
        progress(true, (err as Error).message);
      }
    },
  };
}
