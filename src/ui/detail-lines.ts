/**
 * The detail view's content as plain, sanitized lines wrapped to a width: header facts, the
 * decoded event as pretty JSON, then every raw field in full (huge values wrap, never cut).
 */
import type { DetailState } from '../store/state.js';
import type { RawFields, SeedEvent } from '../core/types.js';
import { bigintSafeReplacer } from '../core/python-json.js';
import {
  clusters,
  displayWidth,
  formatAge,
  formatBytes,
  formatDateTime,
  idTimeMs,
} from './format.js';
import { sanitize } from './sanitize.js';

/** Hard-wrap one line at `width` columns. */
export function wrapLine(line: string, width: number): string[] {
  if (width <= 0) return [line];
  const out: string[] = [];
  let cur = '';
  let w = 0;
  for (const [ch, cw] of clusters(line)) {
    if (w + cw > width && cur !== '') {
      out.push(cur);
      cur = '';
      w = 0;
    }
    cur += ch;
    w += cw;
  }
  out.push(cur);
  return out;
}

function seedJson(e: SeedEvent): string {
  const obj = {
    event_type: e.eventType,
    event_id: e.eventId,
    timestamp: e.timestamp,
    source: e.source,
    version: e.version,
    ...e.data,
  };
  return JSON.stringify(obj, bigintSafeReplacer, 2);
}

export interface DetailLine {
  text: string;
  role?: 'title' | 'header' | 'dim' | 'warn';
}

export function detailLines(d: DetailState, width: number): DetailLine[] {
  const id = d.kind === 'event' ? d.event.id : d.id;
  const fields: RawFields | null = d.kind === 'event' ? d.event.fields : d.fields;
  const event: SeedEvent | null = d.kind === 'event' ? d.event.event : d.event;
  const out: DetailLine[] = [];
  const push = (text: string, role?: DetailLine['role']) => {
    for (const l of wrapLine(text, width)) out.push({ text: l, role });
  };
  push(sanitize(`Entry ${id} in ${d.stream}`), 'title');
  const ms = idTimeMs(id);
  if (ms !== null) push(`Time     ${formatDateTime(ms)} (local, from the entry ID)`);
  if (d.kind === 'event') {
    push(sanitize(`Type     ${d.event.type ?? '(none)'}`));
    push(`Size     ${formatBytes(d.event.bytes)}`);
  }
  if (d.kind === 'entry' && d.pending) {
    const p = d.pending;
    push(
      sanitize(
        `Pending  consumer ${p.consumer} · idle ${formatAge(p.idleMs)} · delivered ${p.deliveries}× (group ${p.group})`,
      ),
    );
  }
  const dead = d.kind === 'entry' ? d.deadLetter : undefined;
  if (dead) {
    // The dead-letter stream records no idle time: the age is the entry ID's (dead-lettered at).
    const times = dead.deliveries === null ? 'unknown' : `${dead.deliveries}×`;
    push(
      sanitize(
        `Dead     consumer ${dead.consumer} · delivered ${times} (group ${dead.group}) · reason ${dead.reason}`,
      ),
    );
  }
  // Both IDs: the entry's own, and the same event's entry in the other stream. A dead letter's
  // are its original's (the per-type entry, or the global one), looked up the same way.
  const other = d.counterpart;
  // Pane 1's events are global entries; entries opened elsewhere are type-stream entries.
  const global = d.kind === 'event' || (dead?.originalIsGlobal ?? false);
  const own = dead ? `${dead.originalId} (${dead.originalStream})` : `${id} (${d.stream})`;
  const theirs = !other
    ? null
    : other.searching
      ? `searching ${other.stream}…`
      : other.id
        ? `${other.id} (${other.stream})`
        : `not found in ${other.stream} near this entry's time`;
  if (global) {
    push(sanitize(`Global   ${own}`));
    push(sanitize(`Type ID  ${theirs ?? 'unknown (no event_id or type)'}`));
  } else {
    push(sanitize(`Type ID  ${own}`));
    if (theirs) push(sanitize(`Global   ${theirs}`), other?.id ? undefined : 'dim');
  }
  if (d.kind === 'entry' && d.loading) {
    push('');
    push('loading the entry…', 'dim');
    return out;
  }
  if (!fields) {
    push('');
    push(
      'This entry no longer exists in the stream (acknowledged and trimmed, or deleted).',
      'warn',
    );
    return out;
  }
  push('');
  push('Decoded event', 'header');
  if (event) for (const l of seedJson(event).split('\n')) push(sanitize(l));
  else push('not in the seed format: see the raw fields', 'dim');
  push('');
  push('Raw fields', 'header');
  const names = Object.keys(fields);
  const nameWidth = Math.min(16, Math.max(0, ...names.map((n) => displayWidth(sanitize(n)))));
  for (const name of names) {
    const n = sanitize(name);
    // Padded by display width: a CJK or emoji field name keeps the values in one column.
    push(`${n}${' '.repeat(Math.max(0, nameWidth - displayWidth(n)))}  ${sanitize(fields[name])}`);
  }
  if (names.length === 0) push('(no fields)', 'dim');
  return out;
}
