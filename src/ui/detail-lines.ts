/**
 * The detail view's content as plain, sanitized lines wrapped to a width: header facts, the
 * decoded event as pretty JSON, then every raw field in full (huge values wrap, never cut).
 */
import type { DetailState } from '../store/state.js';
import type { RawFields, SeedEvent } from '../core/types.js';
import { bigintSafeReplacer } from '../core/python-json.js';
import { clusters, displayWidth, formatBytes, formatDateTime, idTimeMs } from './format.js';
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
