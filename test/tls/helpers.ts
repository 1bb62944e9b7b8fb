/** TLS test helpers: ACL users with the documented minimal permissions, and the CLI as a child process. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { makeTlsFiles, type TlsFiles } from '../../src/local-redis/private-redis.js';
import type { EventPersistence } from '../../src/streams/event-persistence.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

export const PASSWORD = 'Tls-S3cret-pw!';
export const APP_PW = 'app-pw-9f3k2';
export const PREFIX = 'alice:events:';

/**
 * The minimal ACLs from README "TLS and ACL" (resetchannels: no pub/sub; keys under the prefix).
 * Library: connect (PING, INFO, the permission probe incl. TIME), publish (MULTI/EXEC + XADD),
 * consume, ack, recover, dead-letter, trim, inspect. +eval is optional (cleaner publish rollback).
 */
const READ_ONLY = `~${PREFIX}* resetchannels -@all +ping +info +time +scan +xinfo +xrange +xpending +xread`;
export const ACL = {
  library: `~${PREFIX}* resetchannels -@all +@stream +ping +info +time +multi +exec`,
  /** The same, command by command (what the library sends today). */
  libraryExact: `~${PREFIX}* resetchannels -@all +ping +info +time +multi +exec +xadd +xrange +xreadgroup +xack +xautoclaim +xgroup|create +xgroup|createconsumer +xpending +xtrim +xinfo +xlen +xdel`,
  /** status, tail, the monitor without ack/claim/replay (it opens READ-ONLY and says why). */
  readOnly: READ_ONLY,
  /** The monitor with ack (XACK), claim (XCLAIM) and replay (MULTI + XADD to the type and global streams). */
  monitor: `${READ_ONLY} +xack +xclaim +xadd +multi +exec`,
};

export function aclConfig(): string[] {
  return [
    `requirepass ${PASSWORD}`,
    `user app on >${APP_PW} ${ACL.library}`,
    `user appexact on >${APP_PW} ${ACL.libraryExact}`,
    `user viewer on >${APP_PW} ${ACL.readOnly}`,
    `user operator on >${APP_PW} ${ACL.monitor}`,
  ];
}

/** A CA (with certificates) that signed nothing the servers use: "the wrong CA". */
export function otherCa(): { files: TlsFiles; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'streamscope-other-ca-'));
  return { files: makeTlsFiles(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** URL with user and password (URL-encoded) inserted. */
export function withAuth(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString().replace(/\/$/, '');
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Environment without the caller's Redis settings, plus `env`. */
export function cleanEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of [
    'REDIS_URL',
    'REDIS_PASSWORD',
    'REDISCLI_AUTH',
    'NODE_EXTRA_CA_CERTS',
    'NODE_TLS_REJECT_UNAUTHORIZED',
  ]) {
    if (!(k in env)) delete out[k];
  }
  return out;
}

/** `node dist/cli/main.js …args` to completion (killed after timeoutMs). */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<CliResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(
      'node',
      [MAIN, ...args],
      { env: cleanEnv(env), timeout: timeoutMs, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: unknown }).code as number | null) : 0;
        resolve({
          code: typeof code === 'number' ? code : null,
          stdout,
          stderr,
          ms: Date.now() - t0,
        });
      },
    );
  });
}

/**
 * On a connected EventPersistence: publish one asset.discovered event, consume it as worker-1,
 * ack it, and check nothing is pending. Returns its ID.
 */
export async function publishConsumeAck(p: EventPersistence): Promise<string> {
  const id = await p.persistEvent({ eventType: 'asset.discovered', data: { path: '/a.jpg' } });
  const ac = new AbortController();
  const seen: string[] = [];
  for await (const d of p.consumeEvents(['asset.discovered'], 'worker-1', {
    blockMs: 200,
    signal: ac.signal,
  })) {
    seen.push(d.messageId);
    expect(d.event?.data).toEqual({ path: '/a.jpg' });
    await d.ack();
    ac.abort();
  }
  expect(seen).toEqual([id]);
  expect(await p.getPendingEvents('asset.discovered', { idleMs: 0 })).toEqual([]);
  return id;
}
