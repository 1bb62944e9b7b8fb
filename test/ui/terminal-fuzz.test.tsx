/**
 * Terminal fuzz: entries whose type, field names, payloads, stream, group and consumer names
 * carry CSI, OSC 52 (clipboard), OSC 8 (links), DCS, BEL, C1 controls, NUL, invalid UTF-8 (as
 * the tail decodes it: U+FFFD, lone surrogates), 10,000-character lines, RTL text with bidi
 * overrides, emoji ZWJ sequences and skin tones, CJK wide characters and combining marks —
 * rendered in every registered pane and the detail view, plain and in colour, at two sizes.
 * Each frame must: have exactly the terminal's height in lines, no line wider than the terminal
 * (string-width, as Ink measures), no escape byte other than Ink's SGR colour codes, no C0/C1
 * control; and the columns must stay aligned (the STREAM ID column of pane 1, the full rows of
 * panes 2–4 as wide as their header, the PENDING column of pane 4).
 */
process.env.TZ = 'UTC';
import { afterEach, describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { ev, group, snapshot, stream, T0 } from '../store/build.js';
import { connected, mount, settle, type Mounted } from './render.js';
import { panes } from '../../src/ui/panes/registry.js';
import { setThemeMode } from '../../src/ui/theme.js';
import type { MonitorMessage } from '../../src/core/messages.js';
import { displayWidth, fitLine, truncate } from '../../src/ui/format.js';
import { wrapLine } from '../../src/ui/detail-lines.js';
import { sanitize } from '../../src/ui/sanitize.js';

const HOSTILE = {
  csi: 'a\x1b[2Jb\x1b[31mred\x1b[?1049h',
  osc52: 'clip\x1b]52;c;aGVsbG8=\x07',
  osc8: '\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\',
  dcs: '\x1bP1$rq\x1b\\',
  bel: 'ding\x07',
  c1: '\u009b2J\u0090x\u009dy\u0085z',
  nul: 'a\x00b',
  badUtf8: 'bin \ufffd\ufffd \ud800 \udfff end',
  rtl: 'שלום \u202eevil\u202c مرحبا \u2067x\u2069',
  emoji: '👩‍👩‍👧‍👦 👍🏽 🇯🇵 ❤️ 🧑🏿‍🚀',
  cjk: '日本語の文字と한국어',
  combining: 'e\u0301\u0301 zw\u200bsp',
} as const;
const ALL = Object.values(HOSTILE).join(' ');
const LONG = 'x'.repeat(10_000);
const LONG_WIDE = '日'.repeat(5_000);
const STREAM = `alice:events:${HOSTILE.emoji}${HOSTILE.csi}`;
const GROUP = `${HOSTILE.cjk}${HOSTILE.osc8}`;
const CONSUMER = `${HOSTILE.emoji}${HOSTILE.c1}`;

/** SGR colour/attribute codes: the only escape sequences allowed in a frame. */
const SGR = /\x1b\[[0-9;]*m/g;

function messages(): MonitorMessage[] {
  const types = [...Object.values(HOSTILE), ALL, LONG, LONG_WIDE];
  const evs = types.map((t, i) => {
    const e = ev(i, t, {
      [`${HOSTILE.csi}key`]: ALL,
      long: LONG,
      wide: LONG_WIDE,
      [HOSTILE.emoji]: 1,
    });
    return {
      ...e,
      fields: { ...e.fields, [HOSTILE.osc52]: HOSTILE.dcs, [HOSTILE.cjk]: HOSTILE.rtl },
    };
  });
  const consumer = (name: string, pending: number) => ({
    name,
    pending,
    idleMs: 400_000,
    inactiveMs: null,
  });
  return [
    connected('tail'),
    connected('poller'),
    { type: 'EventsReceived', events: evs, receivedAt: T0 },
    snapshot([
      stream(STREAM, {
        length: 5,
        entriesAdded: 5,
        groups: [
          group(GROUP, {
            pending: 3,
            lag: 2,
            entriesRead: 3,
            lastDeliveredId: `${T0}-0`,
            oldestPendingId: `${T0 - 60_000}-0`,
            consumerList: [consumer(CONSUMER, 2), consumer(LONG_WIDE, 1)],
          }),
        ],
      }),
      stream(`alice:events:${LONG}`, {
        length: 1,
        groups: [group(ALL, { pending: 0, consumerList: [consumer(HOSTILE.rtl, 0)] })],
      }),
    ]),
    {
      type: 'PendingPageReceived',
      stream: STREAM,
      group: GROUP,
      consumer: null,
      entries: [CONSUMER, LONG_WIDE, HOSTILE.osc8].map((c, i) => ({
        id: `${T0 - 60_000 + i}-0`,
        consumer: c,
        idleMs: 1000 * (i + 1),
        deliveries: i + 1,
      })),
      startId: '-',
      hasMore: false,
      at: T0,
      order: 'idle',
      scan: { examined: 3, complete: true, limit: 50_000 },
    },
  ];
}

/** Display columns before `index` of a frame line (SGR removed first). */
function columnOf(line: string, index: number): number {
  return stringWidth(line.slice(0, index));
}

function checkFrame(frame: string, size: { width: number; height: number }, where: string) {
  const lines = frame.split('\n');
  expect(lines, `${where}: line count`).toHaveLength(size.height);
  const plain = frame.replace(SGR, '');
  // Nothing executable: no ESC left once Ink's own SGR codes are removed, no C0 (but \n), no
  // C1, no DEL; the bidi overrides and isolates are shown escaped too.
  expect(plain, `${where}: escape byte`).not.toMatch(/\x1b/);
  expect(plain, `${where}: control`).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  expect(plain, `${where}: bidi`).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  expect(plain, `${where}: lone surrogate`).not.toMatch(/\p{Surrogate}/u);
  for (const [i, l] of plain.split('\n').entries())
    expect
      .soft(stringWidth(l), `${where}: width of line ${i}: ${l}`)
      .toBeLessThanOrEqual(size.width);
}

/** The grapheme at display column `col` of a line (undefined past its end). */
function graphemeAt(line: string, col: number): string | undefined {
  let w = 0;
  for (const { segment } of new Intl.Segmenter().segment(line)) {
    if (w === col) return segment;
    w += stringWidth(segment);
    if (w > col) return segment; // inside a wide cluster
  }
  return undefined;
}

/**
 * Right-aligned column `label`: in every table row under the header, the cell ends exactly under
 * the label's last column (a non-space there, a space or the line's end right after it). A
 * cell measured with the wrong width shifts every column after it and fails this.
 */
function alignedUnder(frame: string, label: string, isRow: (l: string) => boolean): number {
  const lines = frame.replace(SGR, '').split('\n');
  const h = lines.findIndex((l) => l.includes(` ${label}`));
  expect(h, `header with ${label}`).toBeGreaterThanOrEqual(0);
  const right = columnOf(lines[h], lines[h].indexOf(` ${label}`) + 1 + label.length);
  const rows = lines.slice(h + 1).filter(isRow);
  expect(rows.length, `rows under ${label}`).toBeGreaterThan(0);
  for (const r of rows) {
    expect(graphemeAt(r, right - 1), `${label} in ${r}`).toMatch(/\S/);
    expect(graphemeAt(r, right) ?? ' ', `${label} in ${r}`).toBe(' ');
  }
  return rows.length;
}

let m: Mounted | null = null;
afterEach(() => {
  m?.app.unmount();
  m = null;
  setThemeMode('plain');
});

const SIZES = [
  { width: 80, height: 23 },
  { width: 120, height: 40 },
];

describe.each(['plain', 'color'] as const)('terminal fuzz (%s)', (mode) => {
  it.each(SIZES)(
    'every pane at $width×$height: nothing executed, nothing overflows, columns aligned',
    async (size) => {
      m = mount(messages(), {}, size);
      setThemeMode(mode);
      const seen: string[] = [];
      for (const pane of panes()) {
        m.store.actions.selectPane(pane.id);
        await settle();
        const frame = m.app.lastFrame()!;
        checkFrame(frame, size, `pane ${pane.id}`);
        seen.push(pane.id);
        const lines = frame.replace(SGR, '').split('\n');
        if (process.env.FUZZ_DUMP) console.log(`=== ${pane.id}\n${lines.join('\n')}`);
        if (pane.id === 'events') {
          const header = lines.find((l) => l.includes('STREAM ID'))!;
          const col = columnOf(header, header.indexOf('STREAM ID'));
          const rows = lines.filter((l) => /\d{13}-0/.test(l));
          expect(rows.length).toBeGreaterThanOrEqual(10);
          for (const r of rows) expect(columnOf(r, r.search(/\d{13}-0/)), r).toBe(col);
        }
        // Table rows: the lines between the header and the first blank line.
        const rowsOf = (label: string) => {
          const h = lines.findIndex((l) => l.includes(` ${label}`));
          const end = lines.findIndex((l, k) => k > h && l.trim() === '');
          const rows = new Set(lines.slice(h + 1, end < 0 ? undefined : end));
          return (l: string) => rows.has(l);
        };
        if (pane.id === 'streams') {
          alignedUnder(frame, 'LENGTH', rowsOf('LENGTH'));
          alignedUnder(frame, 'LAG', rowsOf('LENGTH'));
          alignedUnder(frame, 'PENDING', rowsOf('LENGTH'));
        }
        if (pane.id === 'pending') {
          alignedUnder(frame, 'DELIVERED', rowsOf('DELIVERED'));
          alignedUnder(frame, 'ENTRY AGE', rowsOf('DELIVERED'));
        }
        if (pane.id === 'groups') alignedUnder(frame, 'PENDING', rowsOf('PENDING'));
      }
      expect(seen).toEqual(expect.arrayContaining(['events', 'streams', 'pending', 'groups']));
    },
  );

  it.each(SIZES)(
    'the detail view of each hostile entry at $width×$height: shown escaped, wrapped inside the screen',
    async (size) => {
      m = mount(messages(), {}, size);
      setThemeMode(mode);
      m.store.actions.selectPane('events');
      await settle();
      // Every entry carries all the hostile fields; the newest three have the ALL, 10,000-character
      // and 5,000-CJK types (the detail view wraps them again on each key).
      const count = 3;
      for (let i = 0; i < count; i++) {
        m.app.stdin.write('\r');
        await settle();
        const where = `detail ${i}`;
        // The top, a page down (inside the 10,000-character lines) and the bottom.
        for (const key of ['', '\x1b[6~', 'G']) {
          if (key) m.app.stdin.write(key);
          await settle();
          checkFrame(m.app.lastFrame()!, size, `${where} after ${JSON.stringify(key)}`);
        }
        m.app.stdin.write('\x1b'); // esc: back to the list
        await settle();
        m.app.stdin.write('k');
        await settle();
      }
      // What the hostile text looks like: visible escapes.
      m.app.stdin.write('\r');
      await settle();
      m.app.stdin.write('g');
      await settle();
      expect(m.app.lastFrame()!.replace(SGR, '')).toMatch(
        /\\x1b|\\u001b|\\x9b|\\x07|\\u0007|\\x00|\\ud800|\\u202e/,
      );
    },
    60_000,
  );
});

describe('widths as Ink measures them (string-width, per grapheme cluster)', () => {
  const samples = [...Object.values(HOSTILE), ALL, '👨‍💻x', 'ok'].map((s) => sanitize(s));
  it('displayWidth equals string-width; truncate, fitLine and wrapLine never split a cluster or overflow', () => {
    for (const s of samples) {
      expect(displayWidth(s), s).toBe(stringWidth(s));
      for (const w of [1, 2, 5, 9, 17]) {
        const t = truncate(s, w);
        expect(stringWidth(t), `${s} @${w}`).toBeLessThanOrEqual(w);
        expect(s.startsWith(t.replace(/…$/, '')), `${s} @${w}`).toBe(true);
        const painted = fitLine(`\x1b[1m${s}\x1b[22m tail`, w);
        expect(stringWidth(painted), `${s} @${w}`).toBeLessThanOrEqual(w);
        expect(painted.includes('\x1b[22m'), 'the closing SGR survives the cut').toBe(true);
        for (const part of wrapLine(s, Math.max(2, w)))
          expect(stringWidth(part), `${s} @${w}`).toBeLessThanOrEqual(Math.max(2, w));
        expect(wrapLine(s, Math.max(2, w)).join('')).toBe(s);
      }
    }
    expect(displayWidth('👩‍👩‍👧‍👦')).toBe(2); // was 8 counted per code point
    expect(displayWidth('👍🏽')).toBe(2); // was 4
    expect(displayWidth('❤️')).toBe(2); // was 1
  });
});
