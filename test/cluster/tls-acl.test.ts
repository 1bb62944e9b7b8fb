/**
 * TLS and ACL users on a 3-master Redis Cluster (startCluster({ tls }) / ({ auth, config })):
 * the library publishes, consumes and acks over rediss:// with a CA; `status` shows the topology
 * over rediss:// and as an ACL user whose password comes from REDIS_PASSWORD / REDISCLI_AUTH; a
 * wrong password and a missing permission fail with the same one-line errors as on a single node
 * (test/tls/), never printing the password; several --url with a dead first seed still connect and
 * name the seed that did not answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventPersistence, type EventPersistenceOptions } from '../../src/index.js';
import type { StreamscopeError } from '../../src/core/errors.js';
import { freePort } from '../../src/local-redis/private-redis.js';
import { startCluster, type RunningCluster } from '../helpers/cluster.js';
import { uniquePrefix } from '../helpers/context.js';
import { ACL, publishConsumeAck, runCli, withAuth } from '../tls/helpers.js';

const ADMIN_PW = 'Adm1n-cluster-pw';
const APP_PW = 'App-cluster-pw-5x';
const PREFIX = '{alice}:events:';
// What an ACL user needs on a cluster on top of the single-node lists (README "Redis Cluster").
const CLUSTER = '+cluster|info +cluster|slots +cluster|nodes';
const keys = (acl: string) => acl.replaceAll('~alice:events:*', `~${PREFIX}*`);

let tlsCluster: RunningCluster;
let aclCluster: RunningCluster;
beforeAll(async () => {
  [tlsCluster, aclCluster] = await Promise.all([
    startCluster({ tls: true }),
    startCluster({
      auth: { username: 'admin', password: ADMIN_PW },
      config: [
        'user default off',
        `user admin on >${ADMIN_PW} ~* &* +@all`,
        `user app on >${APP_PW} ${keys(ACL.library)} ${CLUSTER}`,
        `user viewer on >${APP_PW} ${keys(ACL.readOnly)} ${CLUSTER}`,
        // The library's list without XADD; the viewer's without the slot map.
        `user noxadd on >${APP_PW} ${keys(ACL.library)} ${CLUSTER} -xadd`,
        `user noslots on >${APP_PW} ${keys(ACL.readOnly)} +cluster|info`,
      ],
    }),
  ]);
}, 60000);
afterAll(async () => {
  await Promise.all([tlsCluster?.stop(), aclCluster?.stop()]);
});

const port = (url: string) => new URL(url).port;

/** publish → consume → ack → nothing pending, on a fresh braced prefix. */
async function roundTrip(options: EventPersistenceOptions): Promise<void> {
  const prefix = `{alice}:events:${uniquePrefix('c')}:`;
  const p = new EventPersistence({ streamPrefix: prefix, logger: () => {}, ...options });
  try {
    await p.connect();
    await publishConsumeAck(p);
    expect(p.isCluster).toBe(true);
    expect(p.server?.mode).toBe('cluster');
  } finally {
    await p.disconnect();
  }
}

async function connectError(options: EventPersistenceOptions): Promise<StreamscopeError> {
  const p = new EventPersistence({ streamPrefix: PREFIX, logger: () => {}, ...options });
  try {
    await p.connect();
  } catch (err) {
    return err as StreamscopeError;
  } finally {
    await p.disconnect();
  }
  throw new Error('connect() succeeded');
}

function expectOneLine(stderr: string, secret: string): void {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^streamscope status: /);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toContain(secret);
}

describe('a TLS cluster (tls-port only, tls-cluster yes, tls-replication yes)', () => {
  it('the library over rediss:// with tlsCaFile: publish, consume, ack', async () => {
    expect(tlsCluster.url).toMatch(/^rediss:\/\//);
    await roundTrip({ redisUrl: tlsCluster.url, tlsCaFile: tlsCluster.caFile });
  });

  it('status --url rediss://… --tls-ca: "cluster: 3 masters, 0 replicas"; without the CA one TLS line', async () => {
    const ok = await runCli([
      'status',
      '--url',
      tlsCluster.nodes[1].url,
      '--tls-ca',
      tlsCluster.caFile!,
      '--prefix',
      PREFIX,
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      `at rediss://127.0.0.1:${tlsCluster.nodes[1].port} (cluster: 3 masters, 0 replicas)`,
    );
    const bad = await runCli(['status', '--url', tlsCluster.url]);
    expect(bad.code).toBe(1);
    expectOneLine(bad.stderr, '\0');
    expect(bad.stderr).toMatch(
      /^streamscope status: TLS: the server certificate at rediss:\/\/127\.0\.0\.1:\d+ is not trusted \(.*\)\. Trust its CA: set NODE_EXTRA_CA_CERTS=<ca\.pem> or pass --tls-ca <ca\.pem>/,
    );
  });
});

describe('an ACL cluster (default user off)', () => {
  it('the library as the ACL user (password option, and in the URL): publish, consume, ack', async () => {
    const url = aclCluster.nodes[2].url.replace('redis://', 'redis://app@');
    await roundTrip({ redisUrl: url, password: APP_PW });
    await roundTrip({ redisUrl: withAuth(aclCluster.url, 'app', APP_PW) });
  });

  it('status --url redis://viewer@… with the password in REDIS_PASSWORD or REDISCLI_AUTH; the password is not printed', async () => {
    for (const env of [{ REDIS_PASSWORD: APP_PW }, { REDISCLI_AUTH: APP_PW }] as Record<
      string,
      string
    >[]) {
      const url = aclCluster.url.replace('redis://', 'redis://viewer@');
      const r = await runCli(['status', '--url', url, '--prefix', PREFIX], env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(
        `at redis://viewer@127.0.0.1:${port(aclCluster.url)} (cluster: 3 masters, 0 replicas)`,
      );
      expect(r.stdout).not.toContain(APP_PW);
    }
  });

  it('a wrong password: the single-node AUTH line (detected, --cluster, several --url), never the password', async () => {
    const wrong = 'Wr0ng-cluster-pw';
    const url = aclCluster.url.replace('redis://', 'redis://viewer@');
    for (const extra of [[], ['--cluster'], ['--url', aclCluster.nodes[1].url]]) {
      const r = await runCli(['status', '--url', url, ...extra], { REDIS_PASSWORD: wrong });
      expect(r.code).toBe(1);
      expectOneLine(r.stderr, wrong);
      expect(r.stderr).toMatch(
        /^streamscope status: authentication failed at redis:\/\/viewer@127\.0\.0\.1:\d+\. Check the user name and password/,
      );
    }
    const err = await connectError({ redisUrl: withAuth(aclCluster.url, 'app', wrong) });
    expect(err.code).toBe('AUTH');
    expect(err.message).not.toContain(wrong);
  });

  it('a missing permission: NOPERM naming the command, as on a single node', async () => {
    // The library's connect-time probe (test/tls/library.test.ts: "may not run XADD on …").
    const err = await connectError({ redisUrl: withAuth(aclCluster.url, 'noxadd', APP_PW) });
    expect(err.code).toBe('NOPERM');
    expect(err.message).toMatch(/may not run XADD on \{alice\}:events:/);
    expect(err.message).not.toContain(APP_PW);
    // status as the library user (no SCAN), and as a user without CLUSTER SLOTS (the slot map).
    for (const [user, command] of [
      ['app', 'scan'],
      ['noslots', 'cluster|slots'],
    ]) {
      for (const extra of [[], ['--cluster']]) {
        const r = await runCli(
          ['status', '--url', withAuth(aclCluster.url, user, APP_PW), '--prefix', PREFIX, ...extra],
          {},
        );
        expect(r.code).toBe(1);
        expectOneLine(r.stderr, APP_PW);
        expect(r.stderr).toMatch(
          new RegExp(
            `^streamscope status: the Redis user lacks a permission at redis://${user}:\\*\\*\\*@127\\.0\\.0\\.1:\\d+: NOPERM .*'${command.replace('|', '\\|')}' command`,
          ),
        );
      }
    }
  });
});

describe('several --url, the first one dead', () => {
  it('status connects through the next seed and names the dead one (and the one that answered)', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    const live = aclCluster.nodes[1].url.replace('redis://', 'redis://viewer@');
    const r = await runCli(['status', '--url', dead, '--url', live, '--prefix', PREFIX], {
      REDIS_PASSWORD: APP_PW,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `at ${live} (cluster: 3 masters, 0 replicas; seed ${dead.replace('redis://', 'redis://viewer@')} did not answer)`,
    );
  });

  it('a missing permission after connecting names the seed that answered, not the dead first one', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    const live = withAuth(aclCluster.nodes[2].url, 'app', APP_PW);
    const r = await runCli(['status', '--url', dead, '--url', live, '--prefix', PREFIX]);
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, APP_PW);
    expect(r.stderr).toContain(
      `lacks a permission at redis://app:***@127.0.0.1:${aclCluster.nodes[2].port}: NOPERM`,
    );
  });

  it('every seed dead: one line naming each of them', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const r = await runCli([
      'status',
      '--url',
      `redis://127.0.0.1:${a}`,
      '--url',
      `redis://127.0.0.1:${b}`,
    ]);
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, '\0');
    expect(r.stderr).toMatch(
      new RegExp(
        `^streamscope status: no Redis Cluster seed answered: cannot connect to redis://127\\.0\\.0\\.1:${a}: connection refused\\..* — cannot connect to redis://127\\.0\\.0\\.1:${b}: connection refused\\.`,
      ),
    );
  });
});
