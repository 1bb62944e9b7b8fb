/**
 * The row filter of every pane (typed after `/`). Syntax:
 *   text          case-insensitive substring of the row's text (pane 1: type, entry ID, source or
 *                 any field value; other panes: what their columns show)
 *   type:<t>      the row's type contains <t> (pane 1 and 3: the event type; panes 2 and 4: the
 *                 stream name, which is the event type of a type stream); `*` is a wildcard
 *   /regex/flags  regular expression over the same text as a plain filter
 * compileFilter is pane 1's (cached per event); compileMatcher is the same syntax for any row.
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

/** Any pane's row as the filter sees it: its type (null: none) and the text a plain filter searches. */
export interface MatchSubject {
  type: string | null;
  text: string;
}

export interface CompiledMatcher {
  kind: CompiledFilter['kind'];
  error: string | null;
  test(subject: MatchSubject): boolean;
}

const MATCH_ALL: CompiledMatcher = { kind: 'none', error: null, test: () => true };

/** The filter syntax for rows other than pane 1's events (few rows: nothing is cached). */
export function compileMatcher(text: string): CompiledMatcher {
  const t = text.trim();
  if (t === '') return MATCH_ALL;
  const re = /^\/(.*)\/([a-z]*)$/s.exec(t);
  if (re) {
    let rx: RegExp;
    try {
      rx = new RegExp(re[1], re[2].replace(/[gy]/g, ''));
    } catch (err) {
      return { kind: 'regex', error: `bad regex: ${(err as Error).message}`, test: () => true };
    }
    return { kind: 'regex', error: null, test: (s) => rx.test(s.text) };
  }
  const typed = /^(?:type|t):(.*)$/i.exec(t);
  if (typed) {
    const pat = typed[1].trim().toLowerCase();
    const rx = pat.includes('*')
      ? new RegExp(`^${pat.split('*').map(escapeRegex).join('.*')}$`)
      : null;
    return {
      kind: 'type',
      error: null,
      test: (s) => {
        const type = (s.type ?? '').toLowerCase();
        return rx ? rx.test(type) : type.includes(pat);
      },
    };
  }
  const needle = t.toLowerCase();
  return { kind: 'text', error: null, test: (s) => s.text.toLowerCase().includes(needle) };
}
