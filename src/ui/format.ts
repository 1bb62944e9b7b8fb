/**
 * Pure cell text: ages, rates, counts, times, widths, truncation, payload previews. No colour,
 * no sanitizing (Table and the views run every Redis string through sanitize.ts).
 */
import type { TailEvent } from '../core/messages.js';
import { isStreamId, streamIdToMs } from '../core/stream-id.js';
import { bigintSafeReplacer } from '../core/python-json.js';
import stringWidth from 'string-width';

/**
 * Terminal columns of one code point alone: 0 for combining marks, 2 for wide (CJK, emoji).
 * Wrong for clusters (a ZWJ family, a skin tone): measure strings with displayWidth/clusters.
 */
export function charWidth(cp: number): number {
  if (
    cp === 0x200b ||
    cp === 0x200c ||
    cp === 0x200d ||
    (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f)
  )
    return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

const ANSI = /\x1b\[[0-9;]*m/g;
const PLAIN_ASCII = /^[\x20-\x7e]*$/;
const graphemes = new Intl.Segmenter();

/**
 * Columns a string takes (SGR colour codes count as zero), measured per grapheme cluster with
 * string-width — the function Ink lays frames out with, so a padded cell and Ink agree on every
 * emoji ZWJ sequence, skin tone, flag, VS16 and combining mark (a per-code-point sum does not).
 */
export function displayWidth(s: string): number {
  const plain = s.includes('\x1b') ? s.replace(ANSI, '') : s;
  if (PLAIN_ASCII.test(plain)) return plain.length;
  let w = 0;
  for (const [, gw] of clusters(plain)) w += gw;
  return w;
}

/** The grapheme clusters of `s` with their widths: cut and wrap only between whole clusters. */
export function* clusters(s: string): Generator<[string, number]> {
  if (PLAIN_ASCII.test(s)) {
    for (let i = 0; i < s.length; i++) yield [s[i], 1];
    return;
  }
  if (!JOINS.test(s)) {
    // Nothing here joins code points into one cluster: each is its own (Segmenter is slow).
    for (const ch of s) yield [ch, clusterWidth(ch)];
    return;
  }
  for (const { segment } of graphemes.segment(s)) yield [segment, clusterWidth(segment)];
}

/** Code points that join with a neighbour into one grapheme cluster (marks, ZWJ, VS, emoji modifiers, flags, jamo, tags, CR LF). */
const JOINS =
  // Each code point is listed alone on purpose (not as a sequence): the rule reads them as clusters.
  // eslint-disable-next-line no-misleading-character-class
  /[\p{M}\u200d\ufe00-\ufe0f\u{1f3fb}-\u{1f3ff}\u{1f1e6}-\u{1f1ff}\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\u{e0020}-\u{e007f}\r\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u{110bd}\u{110cd}]/u;

// string-width per cluster costs ~30 µs (Unicode property regexes); text repeats its clusters
// (one script, a few emoji), so a bounded memo makes a 5,000-character CJK line cheap to wrap.
const widths = new Map<string, number>();
function clusterWidth(g: string): number {
  let w = widths.get(g);
  if (w === undefined) {
    if (widths.size >= 4096) widths.clear();
    widths.set(g, (w = stringWidth(g)));
  }
  return w;
}

/** Cut to `width` columns, ending in `…` when something was cut. Plain text only. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  // Fast path: short ASCII.
  if (s.length <= width && PLAIN_ASCII.test(s)) return s;
  if (displayWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  for (const [g, gw] of clusters(s)) {
    if (w + gw > width - 1) break;
    out += g;
    w += gw;
  }
  return `${out}…`;
}

const SGR_OR_TEXT = /(\x1b\[[0-9;]*m)|([^\x1b]+)/g;

/**
 * A whole painted line (SGR codes allowed) cut to `width` columns between grapheme clusters,
 * ending in `…` when cut; the SGR codes after the cut are kept (zero width) so every colour
 * still closes. For lines handed to Ink's `wrap="truncate-end"`: Ink cuts per code point and
 * can end a line one column too wide after an emoji cluster; a line already within the width
 * is never cut by Ink.
 */
export function fitLine(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  let cut = false;
  for (const m of s.matchAll(SGR_OR_TEXT)) {
    if (m[1]) {
      out += m[1];
      continue;
    }
    if (cut) continue;
    for (const [g, gw] of clusters(m[2])) {
      if (w + gw > width - 1) {
        out += '…';
        cut = true;
        break;
      }
      out += g;
      w += gw;
    }
  }
  return out;
}

/** Exactly `width` columns: truncated, then padded on the right (or left for numbers). */
export function fit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const t = truncate(s, width);
  const pad = ' '.repeat(Math.max(0, width - displayWidth(t)));
  return align === 'right' ? pad + t : t + pad;
}

/** `1,234,567` (locale-independent), `?` for null. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '?';
  const s = Math.round(n).toString();
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A count with its noun, singular for exactly one: `1 group`, `2 groups`, `1,000 entries`. */
export function formatCountOf(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** Age: `0.4s`, `3.2s`, `42s`, `4m`, `2h`, `3d`; `–` for null. */
export function formatAge(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const v = Math.max(0, ms);
  if (v < 10_000) return `${(Math.floor(v / 100) / 10).toFixed(1)}s`;
  if (v < 60_000) return `${Math.floor(v / 1000)}s`;
  if (v < 3_600_000) return `${Math.floor(v / 60_000)}m`;
  if (v < 172_800_000) return `${Math.floor(v / 3_600_000)}h`;
  return `${Math.floor(v / 86_400_000)}d`;
}

/** Entries per second: `0`, `0.5/s`, `12/s`, `1,234/s`, `?` when unknown. */
export function formatRate(perSec: number | null | undefined): string {
  if (perSec === null || perSec === undefined || !Number.isFinite(perSec)) return '?';
  if (perSec === 0) return '0';
  if (perSec < 10) return `${(Math.round(perSec * 10) / 10).toString()}/s`;
  return `${formatCount(perSec)}/s`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** Local `HH:MM:SS.mmm`. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** Local `YYYY-MM-DD HH:MM:SS.mmm`. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${formatTime(ms)}`;
}

/** Time part of a stream ID (ms), or null when it is not an ID. */
export function idTimeMs(id: string): number | null {
  return isStreamId(id) ? streamIdToMs(id) : null;
}

/** Longest value text a preview looks at: a huge payload costs no more than a small one. */
const PREVIEW_VALUE_MAX = 120;

function previewValue(v: unknown): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v, bigintSafeReplacer) ?? String(v));
  return s.length > PREVIEW_VALUE_MAX ? `${s.slice(0, PREVIEW_VALUE_MAX)}…` : s;
}

/**
 * One line: `key=value …` of the payload (seed events) or of the raw fields (foreign entries).
 * Not sanitized: the caller's cell rendering does that.
 */
export function previewEvent(ev: TailEvent, maxChars = 240): string {
  const pairs = ev.event ? Object.entries(ev.event.data) : Object.entries(ev.fields);
  if (pairs.length === 0) return ev.event ? '{}' : '(no fields)';
  let out = '';
  for (const [k, v] of pairs) {
    out += `${out ? ' ' : ''}${k}=${previewValue(v)}`;
    if (out.length >= maxChars) return `${out.slice(0, maxChars)}…`;
  }
  return out;
}

/** Lines of at most `width` characters, broken at spaces where there are any. */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      let w = word;
      while (w.length > width) {
        if (line) out.push(line);
        out.push(w.slice(0, width));
        w = w.slice(width);
        line = '';
      }
      if (!line) line = w;
      else if (line.length + 1 + w.length <= width) line += ` ${w}`;
      else {
        out.push(line);
        line = w;
      }
    }
    out.push(line);
  }
  return out;
}
