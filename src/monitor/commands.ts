/**
 * The monitor's mutations (ack, claim, replay). Read-only is enforced HERE, not only in the key
 * map: in read-only mode every mutation is answered with CommandFailed(READ_ONLY), and a mutation
 * the ACL user may not run (probe or earlier NOPERM) with CommandFailed(NOPERM); nothing is sent. Each method resolves after emitting exactly one result message; none rejects.
 */
import { slotTransaction } from '../streams/cluster.js';
import type { Redis } from 'ioredis';
import type { KeySpace } from '../core/keys.js';
import type { CommandKind, MonitorMessage } from '../core/messages.js';
import type { MonitorCommandsPort } from '../core/ports.js';
import { describeServer, secretsOf, toErrorInfo } from './connection-guard.js';

export interface CommandsOptions {
  /** A shared, non-blocking client; not closed here. */
  client: Redis;
  keys: KeySpace;
  emit: (msg: MonitorMessage) => void;
  /** --read-only: refuse every mutation without contacting Redis. */
  readOnly?: boolean;
  /** IDs per XACK / XCLAIM command and entries per replay MULTI (bounds server blocking). Default 500. */
  chunkSize?: number;
}

const REDIS_COMMAND: Record<CommandKind, string> = { ack: 'XACK', claim: 'XCLAIM', replay: 'XADD' };
const KINDS: readonly CommandKind[] = ['ack', 'claim', 'replay'];

const noPermMessage = (command: CommandKind): string =>
  `the Redis user may not run ${REDIS_COMMAND[command]} (${command} refused by ACL). Grant it with ACL SETUSER, or use --read-only.`;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** First error of a pipeline/MULTI reply (EXECABORT carries the real cause in previousErrors). */
function firstError(res: [Error | null, unknown][] | null): Error | null {
  if (!res) return new Error('Connection is closed.');
  return res.find(([e]) => e)?.[0] ?? null;
}

function rootCause(err: unknown): unknown {
  const prev = (err as { previousErrors?: unknown[] } | null)?.previousErrors;
  return Array.isArray(prev) && prev.length > 0 ? prev[0] : err;
}

export interface MonitorCommands extends MonitorCommandsPort {
  readonly deniedCommands: ReadonlySet<CommandKind>;
  /**
   * Learn up front which mutations the ACL user may run, without side effects: each probe targets
   * a key that does not exist (XADD NOMKSTREAM, XACK, XCLAIM → nil / 0 / NOGROUP); only NOPERM
   * counts. Afterwards readOnly / readOnlyReason reflect it. Never rejects.
   */
  probePermissions(): Promise<void>;
}

export function createCommands(options: CommandsOptions): MonitorCommands {
  const { client, keys, emit } = options;
  const size = options.chunkSize ?? 500;
  const denied = new Set<string>();
  const configuredReadOnly = options.readOnly ?? false;

  const completed = (
    command: CommandKind,
    requested: number,
    affected: number,
    detail: string,
  ): void =>
    emit({ type: 'CommandCompleted', command, requested, affected, detail, at: Date.now() });

  /** Wraps one mutation: the read-only gate, and every failure turned into CommandFailed. */
  async function guarded(
    command: CommandKind,
    requested: number,
    work: () => Promise<void>,
  ): Promise<void> {
    if (configuredReadOnly) {
      const error = {
        code: 'READ_ONLY',
        message: `read-only mode: ${command} refused, nothing was sent to Redis`,
      };
      emit({ type: 'CommandFailed', command, requested, error, at: Date.now() });
      return;
    }
    if (denied.has(REDIS_COMMAND[command])) {
      emit({
        type: 'CommandFailed',
        command,
        requested,
        error: { code: 'NOPERM', message: `${noPermMessage(command)} Nothing was sent.` },
        at: Date.now(),
      });
      return;
    }
    try {
      await work();
    } catch (err) {
      const error = toErrorInfo(rootCause(err), describeServer(client), secretsOf(client));
      if (error.code === 'NOPERM') {
        denied.add(REDIS_COMMAND[command]);
        error.message = noPermMessage(command);
      }
      emit({ type: 'CommandFailed', command, requested, error, at: Date.now() });
    }
  }

  async function pipelineSum(
    build: (p: ReturnType<Redis['pipeline']>, ids: string[]) => void,
    ids: readonly string[],
    count: (reply: unknown) => number,
  ): Promise<number> {
    const p = client.pipeline();
    for (const part of chunks(ids, size)) build(p, part);
    const res = (await p.exec()) as [Error | null, unknown][] | null;
    const err = firstError(res);
    if (err) throw err;
    return res!.reduce((n, [, reply]) => n + count(reply), 0);
  }

  return {
    async probePermissions() {
      if (configuredReadOnly) return;
      const probe = `${keys.prefix}__streamscope_probe__`;
      try {
        const res =
          (await client
            .pipeline()
            .call('XADD', probe, 'NOMKSTREAM', '*', 'probe', '1')
            .call('XACK', probe, 'probe', '0-1')
            .call('XCLAIM', probe, 'probe', 'probe', 0, '0-1', 'JUSTID')
            .exec()) ?? [];
        const names = ['XADD', 'XACK', 'XCLAIM'];
        res.forEach(([err], i) => err && /NOPERM/.test(err.message) && denied.add(names[i]));
      } catch {
        // Unreachable now: commands will report it when used.
      }
    },
    get readOnly() {
      return (
        configuredReadOnly || (denied.has('XACK') && denied.has('XCLAIM') && denied.has('XADD'))
      );
    },
    get deniedCommands() {
      return new Set(KINDS.filter((k) => denied.has(REDIS_COMMAND[k])));
    },
    get readOnlyReason() {
      if (configuredReadOnly) return 'read-only mode (--read-only)';
      return denied.size > 0 ? `ACL: the Redis user may not run ${[...denied].join(', ')}` : null;
    },

    ack: (stream, group, ids) =>
      guarded('ack', ids.length, async () => {
        const n =
          ids.length === 0
            ? 0
            : await pipelineSum((p, part) => p.xack(stream, group, ...part), ids, Number);
        const gone = ids.length - n;
        completed(
          'ack',
          ids.length,
          n,
          `acknowledged ${n} of ${ids.length} in ${group}${gone > 0 ? ` (${gone} no longer pending)` : ''}`,
        );
      }),

    // JUSTID: a manual reassignment is not a delivery, so delivery counts stay as they were.
    // min-idle-time 0: the user picked these entries; XCLAIM itself skips IDs that are not pending.
    claim: (stream, group, consumer, ids) =>
      guarded('claim', ids.length, async () => {
        const n =
          ids.length === 0
            ? 0
            : await pipelineSum(
                (p, part) => p.xclaim(stream, group, consumer, 0, ...part, 'JUSTID'),
                ids,
                (r) => (r as unknown[]).length,
              );
        const gone = ids.length - n;
        completed(
          'claim',
          ids.length,
          n,
          `claimed ${n} of ${ids.length} for ${consumer}${gone > 0 ? ` (${gone} no longer pending)` : ''}`,
        );
      }),

    replay: (stream, ids) =>
      guarded('replay', ids.length, async () => {
        // Read the originals as bytes, so binary values are copied exactly.
        const read = client.pipeline();
        for (const id of ids) read.xrangeBuffer(stream, id, id, 'COUNT', 1);
        const res = (await read.exec()) as [Error | null, [Buffer, Buffer[]][]][] | null;
        const err = firstError(res);
        if (err) throw err;
        const found = res!
          .map(([, r]) => r[0])
          .filter((e): e is [Buffer, Buffer[]] => e !== undefined);
        const kind = keys.describe(stream);
        let added = 0;
        for (const part of chunks(found, size)) {
          // One MULTI per chunk: a type-stream copy and its global copy land together, like a
          // library publish. No MAXLEN: a replay never trims entries groups have not read yet.
          // One MULTI per slot (on a cluster in the spread layout the two streams differ).
          const tx = slotTransaction(client);
          for (const [idBuf, flat] of part) {
            const copy = withoutFields(flat, ['replayed_from']);
            tx.xadd(stream, '*', ...copy, 'replayed_from', idBuf);
            if (kind.kind === 'type')
              tx.xadd(
                keys.globalStream,
                '*',
                ...withoutFields(copy, ['type']),
                'type',
                kind.eventType,
                'replayed_from',
                idBuf,
              );
          }
          const out = (await tx.exec()) as [Error | null, unknown][] | null;
          const txErr = firstError(out);
          if (txErr) throw txErr;
          added += part.length;
        }
        const gone = ids.length - found.length;
        const where = kind.kind === 'type' ? `${stream} and ${keys.globalStream}` : stream;
        completed(
          'replay',
          ids.length,
          added,
          `replayed ${added} of ${ids.length} to ${where} (field replayed_from = original ID)${gone > 0 ? `; ${gone} no longer exist` : ''}`,
        );
      }),
  };
}

function withoutFields(flat: readonly Buffer[], drop: readonly string[]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    if (!drop.includes(flat[i].toString('latin1'))) out.push(flat[i], flat[i + 1]);
  }
  return out;
}
