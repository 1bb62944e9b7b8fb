/**
 * Archive day files: `<dir>/<stream key>/<yyyy-mm-dd>.ndjson.gz`, one record per line
 * (core/archive-record.ts), entries in ID order. A file is only ever replaced whole: the old
 * bytes are copied to a temp file, a new gzip member is appended, the temp file is fsynced and
 * renamed over the old one, then the directory is fsynced — a crash leaves the old file or the
 * new one, never half of one. Appends skip IDs the file already holds, so re-archiving is
 * idempotent.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import { once } from 'node:events';
import { StreamscopeError } from '../core/errors.js';
import { compareStreamIds } from '../core/stream-id.js';
import {
  decodeArchiveLine,
  encodeArchiveLine,
  type ArchivedEntry,
} from '../core/archive-record.js';

const DAY_FILE_RE = /^(\d{4}-\d{2}-\d{2})\.ndjson\.gz$/;

/** The folder of one stream: the key, with `/`, `\`, `%` and a leading `.` escaped as %XX. */
export function streamArchiveDir(root: string, streamKey: string): string {
  const safe = streamKey.replace(/[%/\\\0]|^\./g, (c) => `%${c.charCodeAt(0).toString(16)}`);
  return join(root, safe);
}

export function dayFilePath(root: string, streamKey: string, day: string): string {
  return join(streamArchiveDir(root, streamKey), `${day}.ndjson.gz`);
}

/**
 * `mkdir -p` without Node's `recursive: true`, which never settles where a parent exists but
 * mkdir answers ENOENT (Node 20 on procfs/sysfs: `--dir /proc/x` hung the archive command).
 * One mkdir per missing level; a component that is a file fails with its code (ENOTDIR, EEXIST).
 */
export async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdir(dir);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await stat(dir)).isDirectory()) return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw err;
    const parentIsDir = await stat(parent).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (parentIsDir) throw err; // the parent is there: this ENOENT is the answer
    await makeDirs(parent);
  }
  await mkdir(dir).catch(async (err: NodeJS.ErrnoException) => {
    if (!(err.code === 'EEXIST' && (await stat(dir)).isDirectory())) throw err;
  });
}

/** Day files of a stream, oldest first (none: []). */
export async function listDayFiles(root: string, streamKey: string): Promise<string[]> {
  const dir = streamArchiveDir(root, streamKey);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => DAY_FILE_RE.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/**
 * Stream keys starting with `prefix` that have at least one day file under `root`, sorted — also
 * streams gone from Redis (trimmed away entirely). A missing root: none.
 */
export async function listArchivedStreamKeys(root: string, prefix: string): Promise<string[]> {
  let folders: string[];
  try {
    folders = await readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const folder of folders) {
    const key = streamKeyOfFile(join(root, folder, 'x'));
    if (key.startsWith(prefix) && (await listDayFiles(root, key)).length > 0) out.push(key);
  }
  return out.sort();
}

export function dayOfFile(path: string): string | null {
  return DAY_FILE_RE.exec(path.split('/').pop() ?? '')?.[1] ?? null;
}

function corrupt(path: string, why: string): StreamscopeError {
  return new StreamscopeError('DECODE', `corrupt archive file ${path}: ${why}`);
}

/** Every record of a file, in order. A broken gzip stream or record throws one line naming the file. */
export async function* readArchiveFile(path: string): AsyncGenerator<ArchivedEntry> {
  const gunzip = createGunzip();
  const source = createReadStream(path);
  let streamError: Error | null = null;
  source.on('error', (e) => {
    streamError = e;
    gunzip.destroy(e);
  });
  gunzip.on('error', (e) => {
    streamError ??= e;
  });
  const lines = createInterface({ input: source.pipe(gunzip), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (line.length === 0) continue;
      try {
        yield decodeArchiveLine(line);
      } catch (err) {
        throw corrupt(path, `line ${n}: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    if (err instanceof StreamscopeError) throw err;
    throw corrupt(path, (err as Error).message);
  } finally {
    lines.close();
    source.destroy();
  }
  const e = streamError as Error | null;
  if (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw e;
    throw corrupt(path, e.message);
  }
}

/** Count the records of a file with IDs in [first, last], checking IDs strictly increase. */
export async function countInFile(path: string, first: string, last: string): Promise<number> {
  let n = 0;
  let prev: string | null = null;
  for await (const e of readArchiveFile(path)) {
    if (prev !== null && compareStreamIds(e.id, prev) <= 0)
      throw corrupt(path, `IDs out of order (${e.id} after ${prev})`);
    prev = e.id;
    if (compareStreamIds(e.id, first) >= 0 && compareStreamIds(e.id, last) <= 0) n++;
  }
  return n;
}

async function lastIdOf(path: string): Promise<string | null> {
  let last: string | null = null;
  for await (const e of readArchiveFile(path)) last = e.id;
  return last;
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Appends entries to one day file through a temp file; commit() makes it durable and visible. */
export class DayFileAppender {
  written = 0;
  skipped = 0;
  bytes = 0;
  private error: Error | null = null;
  private constructor(
    readonly path: string,
    private readonly tmp: string,
    private readonly lastId: string | null,
    private readonly gzip: Gzip,
    private readonly out: WriteStream,
  ) {
    out.on('error', (e) => (this.error ??= e));
    gzip.on('error', (e) => (this.error ??= e));
  }

  static async open(path: string): Promise<DayFileAppender> {
    const dir = path.slice(0, path.lastIndexOf('/'));
    await makeDirs(dir);
    const tmp = `${path}.tmp-${process.pid}`;
    let lastId: string | null = null;
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (exists) {
      lastId = await lastIdOf(path);
      await copyFile(path, tmp);
    }
    const out = createWriteStream(tmp, { flags: exists ? 'a' : 'w' });
    const gzip = createGzip({ level: 6 });
    gzip.pipe(out);
    const failed = once(out, 'open').then(
      () => null,
      (e: Error) => e,
    );
    const err = await failed;
    if (err) throw err;
    return new DayFileAppender(path, tmp, lastId, gzip, out);
  }

  /** Skips an entry the file already has (ID ≤ its last ID); waits when the gzip buffer is full. */
  async write(id: string, fields: readonly Buffer[]): Promise<void> {
    if (this.lastId !== null && compareStreamIds(id, this.lastId) <= 0) {
      this.skipped++;
      return;
    }
    if (this.error) throw this.error;
    const line = encodeArchiveLine(id, fields);
    this.written++;
    this.bytes += Buffer.byteLength(line);
    if (!this.gzip.write(line)) await once(this.gzip, 'drain');
  }

  async commit(): Promise<void> {
    const finished = once(this.out, 'close');
    this.gzip.end();
    await finished;
    if (this.error) throw this.error;
    await fsyncPath(this.tmp);
    await rename(this.tmp, this.path);
    await fsyncPath(this.path.slice(0, this.path.lastIndexOf('/')));
  }

  async abort(): Promise<void> {
    this.gzip.destroy();
    this.out.destroy();
    await rm(this.tmp, { force: true });
  }
}

/** The stream key a day file belongs to: its folder's name, %XX escapes undone. */
export function streamKeyOfFile(path: string): string {
  const parts = path.split('/').filter(Boolean);
  const folder = parts[parts.length - 2] ?? '';
  return folder.replace(/%([0-9a-f]{1,2})/g, (_m, h: string) =>
    String.fromCharCode(parseInt(h, 16)),
  );
}
