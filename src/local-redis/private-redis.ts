/**
 * Starts a private redis-server (tests, benchmarks, the demo): loopback only, a free port, a temp
 * dir, no persistence; stopped by its PID. Never touches any other server.
 */
import { StreamscopeError } from '../core/errors.js';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface RedisServerOptions {
  /** Extra config lines (`requirepass secret`, `user …`). */
  config?: string[];
  /** Use this port instead of a free one (used to restart a server on the same port). */
  port?: number;
  /**
   * Serve TLS only (`port 0`, `tls-port <port>`) with a throwaway CA and server certificate made
   * by openssl in the server's dir (EC P-256, valid 2 days, a few ms). `true` = defaults.
   */
  tls?: boolean | TlsServerOptions;
  /**
   * Who the readiness check logs in as (an ACL user when the default user is off). Default: the
   * default user with the `requirepass` password, if any.
   */
  auth?: { username?: string; password: string };
}

export interface TlsServerOptions {
  /** `tls-auth-clients`: must clients present a certificate signed by the CA? Default `no`. */
  authClients?: 'no' | 'optional' | 'yes';
  /** Names in the server certificate (subjectAltName). Default `localhost`, `127.0.0.1`. */
  names?: string[];
  /** Use these files (a CA shared by several servers: a TLS cluster) instead of making new ones. */
  files?: TlsFiles;
}

/** PEM files of a TLS server started by startRedisServer (all in its dir, removed by stop()). */
export interface TlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** A client certificate and key signed by the same CA (for `tls-auth-clients yes/optional`). */
  clientCertFile: string;
  clientKeyFile: string;
}

export interface RunningRedis {
  /** `redis://127.0.0.1:<port>`, or `rediss://127.0.0.1:<port>` for a TLS server. */
  url: string;
  /** TLS servers: the CA that signed the server certificate (for NODE_EXTRA_CA_CERTS / --tls-ca). */
  caFile?: string;
  tls?: TlsFiles;
  port: number;
  pid: number;
  dir: string;
  version: string;
  stop(): Promise<void>;
}

export function redisServerBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new StreamscopeError(
      'UNREACHABLE',
      'redis-server is not on PATH. Install it: `sudo apt-get install -y redis-server` (Debian/Ubuntu), ' +
        '`brew install redis` (macOS), or set REDIS_URL to a server the tests may use.',
    );
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    throw new StreamscopeError(
      'UNREACHABLE',
      `openssl ${args[0]} failed (is openssl installed? apt-get install -y openssl): ${stderr || (err as Error).message}`,
    );
  }
}

/**
 * A CA, a server certificate for `names` and a client certificate, EC P-256, in `dir`.
 * `nodeCert`: the server certificate may also act as a client (extendedKeyUsage clientAuth): a
 * cluster node presents it when it connects to another node's TLS cluster bus, which always
 * verifies the peer.
 */
export function makeTlsFiles(
  dir: string,
  names: string[] = ['localhost', '127.0.0.1'],
  nodeCert = false,
): TlsFiles {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=streamscope throwaway test CA',
  ]);
  const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  writeFileSync(
    join(dir, 'server.ext'),
    `subjectAltName=${san}\nextendedKeyUsage=serverAuth${nodeCert ? ',clientAuth' : ''}\n`,
  );
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [
    ['server', names[0] ?? 'localhost'],
    ['client', 'streamscope-test-client'],
  ]) {
    openssl(dir, [
      'req',
      ...ec,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    ]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    ]);
  }
  return {
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'server.crt'),
    keyFile: join(dir, 'server.key'),
    clientCertFile: join(dir, 'client.crt'),
    clientKeyFile: join(dir, 'client.key'),
  };
}

async function waitForPing(
  port: number,
  child: ChildProcess,
  timeoutMs: number,
  password?: string,
  tlsFiles?: TlsFiles,
  username?: string,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  // The chain is verified against our CA; the host name is not (a test may name another host).
  const tls = tlsFiles
    ? {
        ca: readFileSync(tlsFiles.caFile),
        cert: readFileSync(tlsFiles.clientCertFile),
        key: readFileSync(tlsFiles.clientKeyFile),
        checkServerIdentity: () => undefined,
      }
    : undefined;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new StreamscopeError('UNREACHABLE', `redis-server exited with code ${child.exitCode}`);
    const client = new Redis({
      port,
      host: '127.0.0.1',
      username,
      password,
      tls,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 500,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      const info = await client.info('server');
      client.disconnect();
      // The server that answers must be our child: another server already on this port could
      // answer the ping while our child failed to bind, and we must never use someone else's.
      const pid = Number(/process_id:(\d+)/.exec(info)?.[1] ?? -1);
      if (pid !== child.pid)
        throw new ForeignServerError(
          `port ${port} is served by another redis-server (pid ${pid}), not ours`,
        );
      return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    } catch (err) {
      client.disconnect();
      if (err instanceof ForeignServerError) throw err;
      lastErr = err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new StreamscopeError(
    'UNREACHABLE',
    `redis-server on port ${port} did not answer: ${String(lastErr)}`,
  );
}

class ForeignServerError extends StreamscopeError {
  constructor(message: string) {
    super('UNREACHABLE', message);
  }
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RunningRedis> {
  const bin = redisServerBinary();
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = options.port ?? (await freePort());
    const dir = mkdtempSync(join(tmpdir(), 'streamscope-redis-'));
    const tlsOpts = options.tls === true ? {} : options.tls || null;
    let tlsFiles: TlsFiles | undefined;
    try {
      tlsFiles = tlsOpts ? (tlsOpts.files ?? makeTlsFiles(dir, tlsOpts.names)) : undefined;
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const listen = tlsFiles
      ? [
          'port 0',
          `tls-port ${port}`,
          `tls-cert-file ${tlsFiles.certFile}`,
          `tls-key-file ${tlsFiles.keyFile}`,
          `tls-ca-cert-file ${tlsFiles.caFile}`,
          `tls-auth-clients ${tlsOpts?.authClients ?? 'no'}`,
        ]
      : [`port ${port}`];
    const conf = [
      ...listen,
      'bind 127.0.0.1',
      `dir ${dir}`,
      'save ""',
      'appendonly no',
      'protected-mode no',
      'daemonize no',
      'loglevel warning',
      `logfile ${join(dir, 'redis.log')}`,
      ...(options.config ?? []),
    ];
    const confPath = join(dir, 'redis.conf');
    writeFileSync(confPath, conf.join('\n') + '\n');
    const child = spawn(bin, [confPath], { stdio: 'ignore', detached: false });
    const password = options.auth?.password ?? /^requirepass\s+(\S+)/m.exec(conf.join('\n'))?.[1];
    try {
      const version = await waitForPing(
        port,
        child,
        5000,
        password,
        tlsFiles,
        options.auth?.username,
      );
      const pid = child.pid!;
      let stopped = false;
      return {
        url: `${tlsFiles ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
        caFile: tlsFiles?.caFile,
        tls: tlsFiles,
        port,
        pid,
        dir,
        version,
        async stop() {
          if (stopped) return;
          stopped = true;
          // A node killed with SIGKILL (cluster failover tests) has exited with a signal, not a code.
          if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise<void>((r) => child.once('exit', () => r()));
            process.kill(pid, 'SIGTERM');
            const timer = setTimeout(
              () => child.exitCode === null && process.kill(pid, 'SIGKILL'),
              3000,
            );
            await exited;
            clearTimeout(timer);
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      if (options.port !== undefined || attempt === 4) throw err;
    }
  }
  throw new StreamscopeError('UNREACHABLE', 'unreachable');
}
