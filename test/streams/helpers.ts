/** Helpers for the persistence tests: a persistence per test with its own prefix and a captured log. */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach } from 'vitest';
import {
  EventPersistence,
  type EventPersistenceOptions,
} from '../../src/streams/event-persistence.js';
import { redisUrl, uniquePrefix } from '../helpers/context.js';
import type { AnyEvents } from '../../src/core/typed-events.js';

const open: { disconnect(): Promise<void> | void }[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) await o.disconnect();
});

/** Close this at the end of the test (done automatically). */
export function track<T extends { disconnect(): Promise<void> | void }>(o: T): T {
  open.push(o);
  return o;
}

export interface TestPersistence<Events = AnyEvents> {
  p: EventPersistence<Events>;
  prefix: string;
  logs: string[];
}

export async function connectedPersistence<Events = AnyEvents>(
  options: EventPersistenceOptions<Events> = {},
): Promise<TestPersistence<Events>> {
  const logs: string[] = [];
  const prefix = options.streamPrefix ?? uniquePrefix();
  const p = track(
    new EventPersistence<Events>({
      redisUrl: redisUrl(),
      streamPrefix: prefix,
      logger: (l) => logs.push(l),
      ...options,
    }),
  );
  await p.connect();
  return { p, prefix, logs };
}

/**
 * A fake server speaking just enough RESP: `INFO` answers with `info`, everything else `+OK`.
 * `silent` accepts connections and never answers (timeouts).
 */
export async function fakeRedis(options: {
  info?: string;
  silent?: boolean;
}): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (options.silent) return;
    let buf = '';
    socket.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (;;) {
        const parsed = parseCommand(buf);
        if (!parsed) break;
        buf = buf.slice(parsed.consumed);
        const name = (parsed.args[0] ?? '').toUpperCase();
        if (name === 'INFO') {
          const body = options.info ?? '';
          socket.write(`$${Buffer.byteLength(body)}\r\n${body}\r\n`);
        } else if (name === 'PING') socket.write('+PONG\r\n');
        else socket.write('+OK\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function parseCommand(buf: string): { args: string[]; consumed: number } | null {
  if (!buf.startsWith('*')) {
    const nl = buf.indexOf('\r\n');
    return nl < 0 ? null : { args: buf.slice(0, nl).split(' '), consumed: nl + 2 };
  }
  let pos = buf.indexOf('\r\n');
  if (pos < 0) return null;
  const n = Number(buf.slice(1, pos));
  pos += 2;
  const args: string[] = [];
  for (let i = 0; i < n; i++) {
    const nl = buf.indexOf('\r\n', pos);
    if (nl < 0) return null;
    const len = Number(buf.slice(pos + 1, nl));
    const start = nl + 2;
    if (buf.length < start + len + 2) return null;
    args.push(buf.slice(start, start + len));
    pos = start + len + 2;
  }
  return { args, consumed: pos };
}

/** Pull deliveries one by one from a long-lived iterator, failing after `timeoutMs` instead of hanging. */
export function puller<T>(iterable: AsyncIterable<T>) {
  const it = iterable[Symbol.asyncIterator]();
  return {
    async take(n: number, timeoutMs = 5000): Promise<T[]> {
      const out: T[] = [];
      const deadline = Date.now() + timeoutMs;
      while (out.length < n) {
        let timer: NodeJS.Timeout | undefined;
        const r = await Promise.race([
          it.next(),
          new Promise<never>((_, rej) => {
            timer = setTimeout(
              () => rej(new Error(`took ${out.length}/${n} before timeout`)),
              Math.max(1, deadline - Date.now()),
            );
          }),
        ]).finally(() => clearTimeout(timer));
        if (r.done) break;
        out.push(r.value);
      }
      return out;
    },
    close: () => it.return?.(),
  };
}
