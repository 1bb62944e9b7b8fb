/**
 * The demo's private redis-server, with two guards so it can never be any other server: the
 * requested port must be free before we start, and the server that answers must report our
 * child's PID (`INFO server` process_id). Without the second check, a server already listening
 * on `--port` could answer the start-up ping while our own child fails to bind.
 */
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { startRedisServer, type RunningRedis } from '../cli/private-redis.js';

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function serverPid(url: string): Promise<{ pid: number; port: number }> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const info = await client.info('server');
    return {
      pid: Number(/process_id:(\d+)/.exec(info)?.[1] ?? -1),
      port: Number(/tcp_port:(\d+)/.exec(info)?.[1] ?? -1),
    };
  } finally {
    client.disconnect();
  }
}

export async function startDemoServer(port?: number): Promise<RunningRedis> {
  if (port !== undefined && !(await portIsFree(port))) {
    throw new Error(`port ${port} on 127.0.0.1 is in use. The demo only uses a redis-server it starts itself: pick another --port, or leave it out for a free one.`);
  }
  const server = await startRedisServer(port === undefined ? {} : { port });
  let identity: { pid: number; port: number } | null = null;
  try {
    identity = await serverPid(server.url);
  } catch {
    identity = null;
  }
  if (!identity || identity.pid !== server.pid || identity.port !== server.port) {
    await server.stop();
    throw new Error(`the server answering on port ${server.port} is not the one the demo started (pid ${identity?.pid ?? '?'} ≠ ${server.pid}); refusing to use it.`);
  }
  return server;
}
