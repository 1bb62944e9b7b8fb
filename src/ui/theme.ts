/**
 * Colours, in one place. Rows are rendered as single strings (cheap frames), so styling is
 * applied as SGR codes here rather than through nested <Text> elements.
 *
 * Modes: `color` (default on a terminal), `mono` when NO_COLOR is set (https://no-color.org:
 * no colours, but bold/inverse/dim still mark selection and emphasis), `plain` (no codes at
 * all: tests, dumb terminals).
 */
export type ThemeMode = 'color' | 'mono' | 'plain';

export type Role =
  'ok' | 'warn' | 'bad' | 'dim' | 'accent' | 'header' | 'title' | 'key' | 'badge' | 'mark' | 'type';

// [open, close] pairs; closes are specific (not a full reset) so styles can nest.
const FG = (n: number): [string, string] => [`\x1b[${n}m`, '\x1b[39m'];
const BOLD: [string, string] = ['\x1b[1m', '\x1b[22m'];
const DIM: [string, string] = ['\x1b[2m', '\x1b[22m'];
const INVERSE: [string, string] = ['\x1b[7m', '\x1b[27m'];

const COLOR: Record<Role, [string, string][]> = {
  ok: [FG(32)],
  warn: [FG(33)],
  bad: [FG(31), BOLD],
  dim: [FG(90)],
  accent: [FG(36)],
  header: [BOLD, FG(37)],
  title: [BOLD, FG(36)],
  key: [BOLD, FG(33)],
  badge: [BOLD, ['\x1b[41m', '\x1b[49m'], FG(97)],
  mark: [BOLD, FG(35)],
  type: [FG(34)],
};

const MONO: Record<Role, [string, string][]> = {
  ok: [],
  warn: [],
  bad: [BOLD],
  dim: [DIM],
  accent: [],
  header: [BOLD],
  title: [BOLD],
  key: [BOLD],
  badge: [INVERSE, BOLD],
  mark: [BOLD],
  type: [],
};

export function detectThemeMode(env: NodeJS.ProcessEnv = process.env): ThemeMode {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 'mono';
  if (env.TERM === 'dumb') return 'plain';
  return 'color';
}

let mode: ThemeMode = detectThemeMode();

export function setThemeMode(m: ThemeMode): void {
  mode = m;
}

export function themeMode(): ThemeMode {
  return mode;
}

function wrap(codes: [string, string][], s: string): string {
  let open = '';
  let close = '';
  for (const [o, c] of codes) {
    open += o;
    close = c + close;
  }
  return open + s + close;
}

/** Style `s` for a role (nothing in plain mode). */
export function paint(role: Role, s: string): string {
  if (mode === 'plain' || s === '') return s;
  const codes = (mode === 'color' ? COLOR : MONO)[role];
  return codes.length ? wrap(codes, s) : s;
}

/** The selected row: inverse video (kept under NO_COLOR: it is not a colour). */
export function selected(s: string): string {
  return mode === 'plain' ? s : wrap([INVERSE], s);
}

export function levelRole(level: 'ok' | 'warn' | 'bad'): Role | null {
  return level === 'ok' ? null : level;
}
