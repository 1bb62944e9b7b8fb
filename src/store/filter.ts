/**
 * The live-events filter. Syntax (typed after `/`):
 *   text          case-insensitive substring of type, entry ID, source or any field value
 *   type:<t>      event type contains <t>; `*` is a wildcard (`type:asset.*`)
 *   /regex/flags  regular expression over the same text as a plain filter
 */
import type { TailEvent } from '../core/messages.js';

export interface CompiledFilter {
  kind: 'none' | 'text' | 'type' | 'regex';
  /** Why the filter text is invalid (bad regex); an invalid filter lets everything through. */
  error: string | null;
  test(event: TailEvent): boolean;
}

const haystacks = new WeakMap<TailEvent, string>();

/** The text a plain or regex filter searches; cached per event (events are immutable). */
export function haystackOf(event: TailEvent): string {
  let h = haystacks.get(event);
  if (h === undefined) {
    const parts = [event.type ?? '', event.id, event.event?.source ?? ''];
    for (const v of Object.values(event.fields)) parts.push(v);
    h = parts.join('\u0000');
    haystacks.set(event, h);
  }
  return h;
}

const lowered = new WeakMap<TailEvent, string>();

function lowerHaystackOf(event: TailEvent): string {
  let h = lowered.get(event);
  if (h === undefined) {
    h = haystackOf(event).toLowerCase();
    lowered.set(event, h);
  }
  return h;
}

const ALL: CompiledFilter = { kind: 'none', error: null, test: () => true };

function escapeRegex(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

export function compileFilter(text: string): CompiledFilter {
  const t = text.trim();
  if (t === '') return ALL;
  const re = /^\/(.*)\/([a-z]*)$/s.exec(t);
  if (re) {
    let rx: RegExp;
    try {
      rx = new RegExp(re[1], re[2].replace(/[gy]/g, ''));
    } catch (err) {
      return { kind: 'regex', error: `bad regex: ${(err as Error).message}`, test: () => true };
    }
    return { kind: 'regex', error: null, test: (e) => rx.test(haystackOf(e)) };
  }
  const typed = /^(?:type|t):(.*)$/i.exec(t);
  if (typed) {
    const pat = typed[1].trim().toLowerCase();
    if (pat.includes('*')) {
      const rx = new RegExp(`^${pat.split('*').map(escapeRegex).join('.*')}$`);
      return { kind: 'type', error: null, test: (e) => rx.test((e.type ?? '').toLowerCase()) };
    }
    return { kind: 'type', error: null, test: (e) => (e.type ?? '').toLowerCase().includes(pat) };
  }
  const needle = t.toLowerCase();
  return { kind: 'text', error: null, test: (e) => lowerHaystackOf(e).includes(needle) };
}
