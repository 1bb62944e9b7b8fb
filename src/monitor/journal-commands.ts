/**
 * The monitor's keys write the same journal as the CLI: after a command kind ran through the
 * commands port, one line with the request, the before-state undo needs (previous owners for a
 * claim, read just before it ran) and the outcome. A journal that cannot be written never fails
 * the command; it is reported once in `lastError`.
 */
import type { Redis } from 'ioredis';
import type { CommandRequest } from '../core/command-kinds.js';
import { parsePendingEntries } from '../core/parse-info.js';
import type { Journal } from './journal.js';

export interface CommandJournal {
  journal: Journal;
  /** The server as the user named it (redacted when written). */
  server: string;
  secrets: readonly (string | undefined)[];
  /** ACL WHOAMI, learned once; null when unknown. */
  user: string | null;
  lastError: string | null;
}

/** Previous owners of the entries a claim is about to move: { owner: [ids] }. */
export async function ownersBefore(
  client: Redis,
  request: CommandRequest,
): Promise<Record<string, string[]> | null> {
  if (request.kind !== 'claim' || request.ids.length === 0) return null;
  const p = client.pipeline();
  for (const id of request.ids) p.call('XPENDING', request.stream, request.group, id, id, 1);
  const owners: Record<string, string[]> = {};
  for (const [err, reply] of (await p.exec()) ?? []) {
    if (err) return null;
    for (const e of parsePendingEntries(reply)) (owners[e.consumer] ??= []).push(e.id);
  }
  return owners;
}

export async function journalCommand(
  j: CommandJournal,
  request: CommandRequest,
  owners: Record<string, string[]> | null,
  outcome: { ok: boolean; affected: number; summary: string; errorCode?: string },
): Promise<void> {
  try {
    await j.journal.append({
      server: j.server,
      user: j.user,
      verb: request.kind,
      stream: request.stream,
      group: request.group || null,
      count: request.ids.length,
      ids: request.ids,
      before:
        request.kind === 'claim'
          ? { target: request.consumer ?? null, via: 'monitor' }
          : { via: 'monitor' },
      detail: owners ? { owners, claimed: [...request.ids] } : null,
      outcome: {
        ok: outcome.ok,
        cancelled: false,
        done: outcome.affected,
        vanished: outcome.ok ? Math.max(0, request.ids.length - outcome.affected) : 0,
        summary: outcome.summary,
        ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
      },
      secrets: j.secrets,
    });
  } catch (err) {
    j.lastError = `could not write the journal ${j.journal.path}: ${(err as Error).message}`;
  }
}
