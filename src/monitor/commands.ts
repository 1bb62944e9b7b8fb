/**
 * The monitor's mutations: the executors of the command kinds in core/command-kinds.ts, behind
 * one guard. Read-only is enforced HERE, not only in the key map: a kind whose read-only rule is
 * 'refuse' is answered with CommandFailed(READ_ONLY) in read-only mode, and a kind the ACL user
 * may not run (probe or earlier NOPERM) with CommandFailed(NOPERM); nothing is sent. `run`
 * resolves after emitting exactly one result message and never rejects.
 */
import { slotTransaction } from '../streams/cluster.js';
import type { Redis } from 'ioredis';
import type { KeySpace } from '../core/keys.js';
import {
  commandKind,
  commandKinds,
  commandRefusal,
  probedCommandsOf,
  type CommandKind,
  type CommandRequest,
} from '../core/command-kinds.js';
import { StreamscopeError } from '../core/errors.js';
import type { ErrorInfo, MonitorMessage } from '../core/messages.js';
import type { MonitorCommandsPort } from '../core/ports.js';
import { describeServer, secretsOf, toErrorInfo } from './connection-guard.js';
import { ackEntries, claimEntries, checkClaimTarget, listConsumers } from './bulk/ack-claim.js';
import { describeResult, type BulkContext, type BulkRunOptions } from './bulk/context.js';
import { BULK_EXECUTORS, PartialRunError, planFor } from './bulk/executors.js';
import type { ActionPreview } from '../core/bulk-kinds.js';
import { journalCommand, ownersBefore, type CommandJournal } from './journal-commands.js';
import { previewReplayRange, replayRangeExecutor } from './replay-range.js';
import { ReplayControl } from '../streams/replay-control.js';

export interface CommandsOptions {
  /** A shared, non-blocking client; not closed here. */
  client: Redis;
  keys: KeySpace;
  emit: (msg: MonitorMessage) => void;
  /** --read-only: refuse every kind whose read-only rule is 'refuse', without contacting Redis. */
  readOnly?: boolean;
  /** IDs per XACK / XCLAIM command and entries per replay MULTI (bounds server blocking). Default 500. */
  chunkSize?: number;
  /** Executors of kinds added at run time with registerCommandKind (tests, plug-ins). */
  executors?: Readonly<Record<string, Executor>>;
  /** The action journal (--journal; absent with --no-journal): one line per mutation that ran. */
  journal?: CommandJournal;
  /** `--archive <dir>`: a replayed range continues into archived days, as the history view does. */
  archiveDir?: string;
}

/** What an executor may use: the client, the key space, chunking and pipeline helpers. */
export interface ExecContext {
  client: Redis;
  keys: KeySpace;
  chunkSize: number;
  /** The run's progress hook and cancel signal, for bulk executors' batch loops. */
  run: BulkRunOptions;
  /** The journal (null with --no-journal), for executors that write their own line (plans). */
  journal: CommandJournal | null;
  /** This run's pause / resume / step switch (the port's `control`), for paced executors. */
  control?: ReplayControl;
  /** `--archive <dir>` (replay-range reads archived days before a stream's first entry). */
  archiveDir?: string;
  /** Sum of `count(reply)` over a pipeline of one command per chunk of `ids`; throws its first error. */
  pipelineSum(
    build: (p: ReturnType<Redis['pipeline']>, ids: string[]) => void,
    ids: readonly string[],
    count: (reply: unknown) => number,
  ): Promise<number>;
}

/**
 * Runs one kind; the guard around it handles read-only, ACL and errors. `journaled`: the
 * executor wrote its own journal line (a plan with its before-state), so the guard writes none.
 */
export type Executor = (
  request: CommandRequest,
  ctx: ExecContext,
) => Promise<{
  affected: number;
  detail: string;
  journaled?: boolean;
  /** What the run covered when it is not `ids` (a range): the outcome counts against it. */
  total?: number;
  /** Stopped by the signal (esc): what was done stays, and the outcome says so. */
  cancelled?: boolean;
}>;

const noPermMessage = (kind: CommandKind, commands: readonly string[]): string =>
  `the Redis user may not run ${commands.join(', ')} (${kind} refused by ACL). Grant it with ACL SETUSER, or use --read-only.`;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** First error of a pipeline/MULTI reply (EXECABORT carries the real cause in previousErrors). */
function firstError(res: [Error | null, unknown][] | null): Error | null {
  // ioredis's own error for a closed connection (not ours): classifyRedisError words it.
  if (!res) return new Error('Connection is closed.');
  return res.find(([e]) => e)?.[0] ?? null;
}

function rootCause(err: unknown): unknown {
  const prev = (err as { previousErrors?: unknown[] } | null)?.previousErrors;
  return Array.isArray(prev) && prev.length > 0 ? prev[0] : err;
}

/** One executor per kind: a kind without one does not compile. */
export const EXECUTORS: Record<CommandKind, Executor> = {
  // XACK / XCLAIM in batches of up to 1,000 IDs (monitor/bulk/ack-claim.ts), progress after
  // each, the signal checked between them; a group deleted mid-bulk stops with NOGROUP.
  async ack({ stream, group, ids }, ctx) {
    const r = await ackEntries(bulkOf(ctx), stream, group, ids, ctx.run);
    return outcome('acknowledged', r, ` in ${stripPrefixOf(ctx, stream)} / ${group}`);
  },

  // JUSTID: a manual reassignment is not a delivery, so delivery counts stay as they were.
  // min-idle-time 0: the user picked these entries; XCLAIM itself skips IDs that are not pending.
  // The target must exist (XCLAIM would create a new consumer silently; a typo would hide the
  // entries under a name nobody reads) — the same rule as `streamscope claim`.
  async claim({ stream, group, ids, consumer }, ctx) {
    if (!consumer) throw new StreamscopeError('INVALID_ARGUMENT', 'claim needs a target consumer');
    const b = bulkOf(ctx);
    checkClaimTarget(await listConsumers(b, stream, group), consumer, group);
    const r = await claimEntries(b, stream, group, consumer, ids, ctx.run);
    return outcome('claimed', r, ` in ${stripPrefixOf(ctx, stream)} / ${group} for ${consumer}`);
  },

  async replay({ stream, ids }, ctx) {
    const { client, keys } = ctx;
    // Read the originals as bytes, so binary values are copied exactly.
    const read = client.pipeline();
    for (const id of ids) read.xrangeBuffer(stream, id, id, 'COUNT', 1);
    const res = (await read.exec()) as [Error | null, [Buffer, Buffer[]][]][] | null;
    const err = firstError(res);
    if (err) throw err;
    const found = res!.map(([, r]) => r[0]).filter((e): e is [Buffer, Buffer[]] => e !== undefined);
    const kind = keys.describe(stream);
    let added = 0;
    for (const part of chunks(found, ctx.chunkSize)) {
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
    const lost = ids.length - found.length;
    const where = kind.kind === 'type' ? `${stream} and ${keys.globalStream}` : stream;
    return {
      affected: added,
      detail: `replayed ${added} of ${ids.length} to ${where} (field replayed_from = original ID)${lost > 0 ? `; ${lost} no longer exist` : ''}`,
    };
  },

  // deadletter, delconsumer, setid, redrive, dlq-delete (issue 9).
  ...BULK_EXECUTORS,

  // A range of any stream to a sandbox prefix, the same stream or a new group (issue 11):
  // the library's replay engine, paced, pausable (ctx.control), journaled like the CLI's replay.
  'replay-range': (request, ctx) => replayRangeExecutor(request, ctx, ctx.control),
};

function bulkOf(ctx: ExecContext): BulkContext {
  return {
    client: ctx.client,
    keys: ctx.keys,
    display: describeServer(ctx.client),
    secrets: secretsOf(ctx.client),
  };
}

/** A bulk result as an executor's answer; stopped part-way, an error saying how much was done. */
function outcome(
  verb: string,
  r: Awaited<ReturnType<typeof ackEntries>>,
  tail: string,
): { affected: number; detail: string } {
  const detail = describeResult(verb, r, tail);
  if (r.error) throw new PartialRunError(r.error.code, detail, r.done, r.error);
  return { affected: r.done, detail };
}

function stripPrefixOf(ctx: ExecContext, key: string): string {
  const p = ctx.keys.prefix;
  return key.startsWith(p) && key.length > p.length ? key.slice(p.length) : key;
}

export interface MonitorCommands extends MonitorCommandsPort {
  readonly deniedCommands: ReadonlySet<CommandKind>;
  /** Pause, resume or step the running paced command (replay-range); ignored otherwise. */
  control(op: 'pause' | 'resume' | 'step'): void;
  /**
   * Learn up front which kinds the ACL user may run, without side effects: every kind's
   * aclProbe (from the command-kind table) targets a key that does not exist; only NOPERM
   * counts. Afterwards readOnly / readOnlyReason / deniedCommands reflect it. Never rejects.
   */
  probePermissions(): Promise<void>;
}

export function createCommands(options: CommandsOptions): MonitorCommands {
  const { client, keys, emit } = options;
  /** Redis command names the user may not run (learned from probes and NOPERM replies). */
  const denied = new Set<string>();
  const configuredReadOnly = options.readOnly ?? false;
  const executors: Readonly<Record<string, Executor>> = { ...options.executors, ...EXECUTORS };

  async function pipelineSum(
    build: (p: ReturnType<Redis['pipeline']>, ids: string[]) => void,
    ids: readonly string[],
    count: (reply: unknown) => number,
  ): Promise<number> {
    const p = client.pipeline();
    for (const part of chunks(ids, ctx.chunkSize)) build(p, part);
    const res = (await p.exec()) as [Error | null, unknown][] | null;
    const err = firstError(res);
    if (err) throw err;
    return res!.reduce((n, [, reply]) => n + count(reply), 0);
  }
  const base = {
    client,
    keys,
    chunkSize: options.chunkSize ?? 500,
    pipelineSum,
    journal: options.journal ?? null,
    ...(options.archiveDir ? { archiveDir: options.archiveDir } : {}),
  };
  const ctx: ExecContext = { ...base, run: {} };
  /** The running command's pace switch (one command runs at a time). */
  let control: ReplayControl | null = null;

  const failed = (request: CommandRequest, error: ErrorInfo): void =>
    emit({
      type: 'CommandFailed',
      command: request.kind,
      requested: request.ids.length,
      error,
      at: Date.now(),
    });

  const mutating = () => commandKinds().filter((k) => commandKind(k).mutates);

  return {
    async probePermissions() {
      if (configuredReadOnly) return;
      const key = keys.probeKey;
      const probes = new Map<string, readonly (string | number)[]>();
      for (const k of commandKinds())
        for (const c of commandKind(k).aclProbe(key)) probes.set(String(c[0]).toUpperCase(), c);
      try {
        const p = client.pipeline();
        for (const [name, c] of probes) p.call(name, ...c.slice(1));
        const res = (await p.exec()) ?? [];
        const names = [...probes.keys()];
        res.forEach(([err], i) => err && /NOPERM/.test(err.message) && denied.add(names[i]));
      } catch {
        // Unreachable now: commands will report it when used.
      }
    },
    get readOnly() {
      const m = mutating();
      return (
        configuredReadOnly ||
        (m.length > 0 && m.every((k) => commandRefusal(k, false, denied) !== null))
      );
    },
    get deniedCommands() {
      return new Set(commandKinds().filter((k) => commandRefusal(k, false, denied) !== null));
    },
    get readOnlyReason() {
      if (configuredReadOnly) return 'read-only mode (--read-only)';
      return denied.size > 0 ? `ACL: the Redis user may not run ${[...denied].join(', ')}` : null;
    },

    control(op) {
      if (!control) return;
      if (op === 'pause') control.pause();
      else if (op === 'resume') control.resume();
      else control.step();
    },

    // The plan's preview (counts, positions, owners), read without changing anything.
    async preview(request) {
      const emitPreview = (preview: ActionPreview | null, error: ErrorInfo | null): void =>
        emit({ type: 'CommandPreviewed', command: request.kind, preview, error, at: Date.now() });
      const ranged = request.kind === 'replay-range';
      if (!(request.kind in BULK_EXECUTORS) && !ranged) return emitPreview(null, null);
      try {
        const preview = ranged
          ? await previewReplayRange(request, ctx)
          : (await planFor(request, ctx)).preview;
        emitPreview(preview, null);
      } catch (err) {
        emitPreview(null, toErrorInfo(rootCause(err), describeServer(client), secretsOf(client)));
      }
    },

    async run(request, runOptions = {}) {
      const { kind } = request;
      const refusal = commandRefusal(kind, configuredReadOnly, denied);
      if (refusal?.code === 'READ_ONLY')
        return failed(request, {
          code: 'READ_ONLY',
          message: `read-only mode: ${kind} refused, nothing was sent to Redis`,
        });
      if (refusal)
        return failed(request, {
          code: 'NOPERM',
          message: `${noPermMessage(kind, refusal.commands)} Nothing was sent.`,
        });
      const execute = executors[kind];
      if (!execute)
        return failed(request, {
          code: 'INVALID_ARGUMENT',
          message: `no executor for command kind ${kind}`,
        });
      // Claim: read the previous owners first, so the journal line can undo it.
      const owners = options.journal ? await ownersBefore(client, request).catch(() => null) : null;
      // Progress between batches only: a run done in one batch just completes.
      const run: BulkRunOptions = {
        signal: runOptions.signal,
        onProgress: ({ done, total, ...pace }) => {
          if (done < total)
            emit({ type: 'CommandProgress', command: kind, done, total, ...pace, at: Date.now() });
        },
      };
      const paced = new ReplayControl();
      control = paced;
      try {
        const { affected, detail, journaled, total, cancelled } = await execute(request, {
          ...ctx,
          run,
          control: paced,
        });
        if (options.journal && commandKind(kind).mutates && !journaled)
          await journalCommand(options.journal, request, owners, {
            ok: true,
            affected,
            summary: detail,
          });
        emit({
          type: 'CommandCompleted',
          command: kind,
          requested: request.ids.length,
          affected,
          detail,
          ...(total !== undefined ? { total } : {}),
          ...(cancelled ? { cancelled } : {}),
          at: Date.now(),
        });
      } catch (err) {
        const error = toErrorInfo(rootCause(err), describeServer(client), secretsOf(client));
        // Stopped part-way: the message says how much was done (and by what it was stopped).
        const partial = err instanceof PartialRunError ? err : null;
        if (partial) error.message = partial.message;
        if (error.code === 'NOPERM') {
          for (const c of probedCommandsOf(kind)) denied.add(c);
          const why = noPermMessage(kind, probedCommandsOf(kind));
          error.message = partial ? `${partial.message} (${why})` : why;
        }
        if (options.journal && commandKind(kind).mutates && !partial?.journaled)
          await journalCommand(options.journal, request, owners, {
            ok: false,
            affected: partial?.done ?? 0,
            summary: error.message,
            errorCode: error.code,
          });
        failed(request, error);
      } finally {
        if (control === paced) control = null;
      }
    },
  };
}

function withoutFields(flat: readonly Buffer[], drop: readonly string[]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    if (!drop.includes(flat[i].toString('latin1'))) out.push(flat[i], flat[i + 1]);
  }
  return out;
}
