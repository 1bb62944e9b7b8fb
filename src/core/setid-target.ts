/**
 * Where `setid` can move a group (`:setid <target>`, `streamscope group setid --to <target>`):
 * `0` (the start), `$` (the end), a stream ID, a time (`-1h` before now on the server clock, or
 * an ISO time such as `2026-12-01T10:40Z`), or `group:<other>` (another group's position). Pure:
 * parsing only; monitor/bulk/setid.ts resolves it against the stream.
 */
import { parseDurationMs } from './pel-rule.js';
import { isStreamId } from './stream-id.js';

export type SetIdTarget =
  | { kind: 'start' }
  | { kind: 'end' }
  | { kind: 'id'; id: string }
  /** Entries at or after this time (ms since the epoch) are delivered again. */
  | { kind: 'time'; ms: number }
  /** Entries of the last `ms` milliseconds (server clock) are delivered again. */
  | { kind: 'ago'; ms: number }
  | { kind: 'group'; name: string };

export type SetIdTargetParse = { ok: true; target: SetIdTarget } | { ok: false; error: string };

const HELP = '0, $, a stream ID, -1h, 2026-12-01T10:40Z or group:<other>';

// An ISO date with a time and a zone (Z or ±hh:mm); a bare date is ambiguous about the zone.
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export function parseSetIdTarget(text: string): SetIdTargetParse {
  const t = text.trim();
  if (t === '0' || t === '0-0') return { ok: true, target: { kind: 'start' } };
  if (t === '$') return { ok: true, target: { kind: 'end' } };
  if (t.startsWith('group:')) {
    const name = t.slice('group:'.length);
    if (name === '')
      return { ok: false, error: 'setid: group: needs a group name (group:<other>)' };
    return { ok: true, target: { kind: 'group', name } };
  }
  if (isStreamId(t))
    return { ok: true, target: { kind: 'id', id: t.includes('-') ? t : `${t}-0` } };
  if (t.startsWith('-')) {
    const ms = parseDurationMs(t.slice(1));
    if (ms !== null) return { ok: true, target: { kind: 'ago', ms } };
  }
  if (ISO_RE.test(t)) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return { ok: true, target: { kind: 'time', ms } };
  }
  return { ok: false, error: `setid: cannot read ${JSON.stringify(text)}; targets: ${HELP}` };
}

export function describeSetIdTarget(t: SetIdTarget): string {
  switch (t.kind) {
    case 'start':
      return '0 (the start)';
    case 'end':
      return '$ (the end)';
    case 'id':
      return t.id;
    case 'time':
      return new Date(t.ms).toISOString();
    case 'ago':
      return `${t.ms} ms ago`;
    case 'group':
      return `group:${t.name}`;
  }
}
