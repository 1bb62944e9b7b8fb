import { describe, expect, it } from 'vitest';
import { classifyRedisError } from '../../src/core/errors.js';

const where = 'redis://127.0.0.1:6379';
const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

describe('classifyRedisError', () => {
  it('a lost connection is worded for the situation: connect failed / retried by a loop / command failed', () => {
    const connecting = classifyRedisError(reset, where, [], { connecting: true });
    expect(connecting.code).toBe('UNREACHABLE');
    expect(connecting.message).toMatch(/^cannot connect to redis:\/\/127\.0\.0\.1:6379: the connection was reset by the server before Redis answered\. Check/);
    expect(connecting.message).not.toMatch(/retried/);
    expect(classifyRedisError(reset, where, [], { retrying: true }).message).toBe('lost the connection to redis://127.0.0.1:6379 (reset by the server). It will be retried.');
    const command = classifyRedisError(new Error('Connection is closed.'), where);
    expect(command.message).toMatch(/^lost the connection to .* \(closed\); the command did not complete\. Check that redis-server is still running/);
    expect(command.message).not.toMatch(/retried/);
  });

  it('NOPERM: a generic ACL SETUSER hint naming the missing command, never --read-only', () => {
    const cmd = classifyRedisError(new Error("NOPERM this user has no permissions to run the 'xadd' command"), where);
    expect(cmd.code).toBe('NOPERM');
    expect(cmd.message).toMatch(/Grant it with ACL SETUSER <user> \+xadd \(or the whole category: \+@stream\)\.$/);
    const key = classifyRedisError(new Error('NOPERM this user has no permissions to access one of the keys used as arguments'), where);
    expect(key.message).toMatch(/ACL SETUSER <user> ~<prefix>\*/);
    for (const e of [cmd, key]) expect(e.message).not.toMatch(/read-only/);
  });

  it("Redis 7's UNBLOCKED (stream deleted under a blocked XREADGROUP) is a NOGROUP", () => {
    expect(classifyRedisError(new Error('UNBLOCKED the stream key no longer exists'), where).code).toBe('NOGROUP');
  });
});
