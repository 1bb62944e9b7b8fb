/**
 * The demo's private redis-server, with two guards so it can never be any other server: the
 * requested port must be free before we start, and (in startRedisServer) the server that
 * answers must report our child's PID (`INFO server` process_id).
 */
import { StreamscopeError } from '../core/errors.js';
import { createServer } from 'node:net';
import { startRedisServer, type RunningRedis } from '../local-redis/private-redis.js';

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function startDemoServer(port?: number): Promise<RunningRedis> {
  if (port !== undefined && !(await portIsFree(port))) {
    throw new StreamscopeError(
      'INVALID_ARGUMENT',
      `port ${port} on 127.0.0.1 is in use. The demo only uses a redis-server it starts itself: pick another --port, or leave it out for a free one.`,
    );
  }
  // startRedisServer itself checks that the server answering is our child (INFO process_id).
  return startRedisServer(port === undefined ? {} : { port });
}
