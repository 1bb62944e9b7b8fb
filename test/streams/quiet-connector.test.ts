import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedisClient } from '../../src/streams/connection.js';
import { redisUrl } from '../helpers/context.js';

// A TLS socket that failed its handshake can emit 'error' twice; ioredis listens with `once`.
describe('a socket that errors twice', () => {
  it('crashes a plain ioredis client (the hazard is real)', async () => {
    const plain = new Redis(redisUrl(), {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    plain.on('error', () => {});
    await plain.connect();
    const stream = (plain as unknown as { stream: NodeJS.EventEmitter }).stream;
    stream.emit('error', new Error('first alert'));
    expect(() => stream.emit('error', new Error('second alert'))).toThrow('second alert');
    plain.disconnect();
  });

  it('does not crash our clients (QuietStandaloneConnector), and ioredis still saw the first error', async () => {
    const client = createRedisClient({ url: redisUrl() });
    await client.connect();
    const stream = (client as unknown as { stream: NodeJS.EventEmitter }).stream;
    const closed = new Promise((r) => client.once('close', r));
    stream.emit('error', new Error('first alert'));
    expect(() => stream.emit('error', new Error('second alert'))).not.toThrow();
    (stream as unknown as { destroy(): void }).destroy();
    await closed;
    client.disconnect();
  });
});
