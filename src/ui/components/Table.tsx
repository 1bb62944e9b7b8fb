/**
 * A small table with ink-table's props (`data`, `columns`, `padding`) — ink-table itself does
 * not load under Ink 6 (CommonJS require of an ESM graph with top-level await:
 * ERR_REQUIRE_ASYNC_MODULE). Virtualised: only the rows that fit are rendered, each as ONE
 * string (cells fitted, sanitized and coloured here), so a 10,000-row buffer costs what 20 do.
 */
import { useRef } from 'react';
import { usePageRows } from '../hooks/use-page-rows.js';
import { Box, Text } from 'ink';
import { displayWidth, fit } from '../format.js';
import { sanitize } from '../sanitize.js';
import { paint, selected, type Role } from '../theme.js';

export interface Column<T> {
  key: string;
  title: string;
  /** Fixed width in columns. Omit to size the column from its content (see maxWidth / grow). */
  width?: number;
  /** Never narrower than this (content-sized and growing columns). Default 8. */
  minWidth?: number;
  /**
   * Content-sized: the column asks for its widest cell (or title), capped here. Content-sized
   * columns are served before growing columns get the rest.
   */
  maxWidth?: number;
  /** Takes the width left over. Default: true for a column with neither width nor maxWidth. */
  grow?: boolean;
  /** A growing column never gets wider than this (very wide terminals); the rest stays blank. */
  growMax?: number;
  /**
   * When even the minimum widths do not fit, columns with a priority are hidden, lowest first,
   * instead of clipping the right edge. Columns without one are never hidden this way.
   */
  priority?: number;
  align?: 'left' | 'right';
  /** Hide the column when the table is narrower than this many terminal columns. */
  hideBelow?: number;
  /** Cell text (from Redis or formatted); sanitized by the table. */
  cell(row: T): string;
  role?(row: T): Role | null;
}

/** Anything indexable: an array, or a virtual list that builds rows on demand. */
export interface RowSource<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

export interface TableProps<T> {
  data: RowSource<T>;
  columns: readonly Column<T>[];
  /** Spaces between columns. Default 1. */
  padding?: number;
  /** Total width in terminal columns. */
  width: number;
  /** Total height in rows, header included. */
  height: number;
  /** Selected row index (-1: none). */
  cursor?: number;
  /** Second gutter character for a row (e.g. a mark), ' ' when none. */
  mark?(row: T): string;
  emptyText?: string;
}

const GUTTER = 2;

const growsOf = <T,>(c: Column<T>): boolean =>
  c.grow ?? (c.width === undefined && c.maxWidth === undefined);
const minOf = <T,>(c: Column<T>): number => c.width ?? c.minWidth ?? 8;

/**
 * Column widths for a table `width` columns wide. `contentWidth(col)` is the widest cell of a
 * column (0 when unknown). Order: hide by hideBelow; hide by priority while the minimums do not
 * fit; raise content-sized columns toward their content (evenly, capped by maxWidth); give what
 * is left to the growing columns. Rows never exceed `width` unless the essential columns'
 * minimums alone do.
 */
export function layoutColumns<T>(
  columns: readonly Column<T>[],
  width: number,
  padding: number,
  contentWidth: (col: Column<T>) => number = () => 0,
): { col: Column<T>; width: number }[] {
  const visible = columns.filter((c) => !c.hideBelow || width >= c.hideBelow);
  const total = (cols: readonly Column<T>[]) =>
    cols.reduce((n, c) => n + minOf(c), 0) + padding * Math.max(0, cols.length - 1) + GUTTER;
  while (total(visible) > width) {
    let low = -1;
    visible.forEach((c, i) => {
      if (c.priority !== undefined && (low < 0 || c.priority < visible[low].priority!)) low = i;
    });
    if (low < 0) break;
    visible.splice(low, 1);
  }
  const widths = visible.map(minOf);
  let surplus = Math.max(0, width - total(visible));
  // What content-sized (and content-aware growing) columns would like on top of their minimum.
  const wants = visible.map((c, i) => {
    if (c.width !== undefined || c.maxWidth === undefined) return 0;
    const desired = Math.min(c.maxWidth, Math.max(displayWidth(c.title), contentWidth(c)));
    return Math.max(0, desired - widths[i]);
  });
  while (surplus > 0 && wants.some((w) => w > 0)) {
    for (let i = 0; i < wants.length && surplus > 0; i++) {
      if (wants[i] > 0) {
        widths[i]++;
        wants[i]--;
        surplus--;
      }
    }
  }
  const growing = visible.map((c, i) => (growsOf(c) ? i : -1)).filter((i) => i >= 0);
  growing.forEach((i, k) => {
    // The last growing column takes the rounding remainder so rows end exactly at `width`
    // (unless capped by growMax: then rows end short of it).
    const share = k === growing.length - 1 ? surplus : Math.floor(surplus / (growing.length - k));
    const capped = Math.min(share, Math.max(0, (visible[i].growMax ?? Infinity) - widths[i]));
    widths[i] += capped;
    surplus -= capped;
  });
  return visible.map((col, i) => ({ col, width: widths[i] }));
}

/** Rows measured for content-sized columns: all of them when few, else the visible window. */
const MEASURE_ALL_BELOW = 500;

/** First visible row: keeps the cursor on screen, moving the window as little as possible. */
export function scrollOffset(
  previous: number,
  cursor: number,
  length: number,
  visibleRows: number,
): number {
  const max = Math.max(0, length - visibleRows);
  let off = Math.min(previous, max);
  if (cursor >= 0) {
    if (cursor < off) off = cursor;
    else if (cursor >= off + visibleRows) off = cursor - visibleRows + 1;
  }
  return Math.max(0, Math.min(off, max));
}

export function Table<T>({
  data,
  columns,
  padding = 1,
  width,
  height,
  cursor = -1,
  mark,
  emptyText = '',
}: TableProps<T>) {
  const offsetRef = useRef(0);
  const bodyRows = Math.max(0, height - 1);
  usePageRows(bodyRows);
  const offset = scrollOffset(offsetRef.current, cursor, data.length, bodyRows);
  offsetRef.current = offset;
  // Content widths only grow while the table is shown, so a live list does not jitter.
  const seenRef = useRef(new Map<string, number>());
  const from = data.length < MEASURE_ALL_BELOW ? 0 : offset;
  const to =
    data.length < MEASURE_ALL_BELOW ? data.length : Math.min(data.length, offset + bodyRows);
  const measure = (col: Column<T>): number => {
    let w = seenRef.current.get(col.key) ?? 0;
    const cap = col.maxWidth ?? 0;
    for (let i = from; i < to && w < cap; i++)
      w = Math.max(w, displayWidth(sanitize(col.cell(data.at(i)!))));
    seenRef.current.set(col.key, w);
    return w;
  };
  const layout = layoutColumns(columns, width, padding, measure);
  const gap = ' '.repeat(padding);
  const header =
    ' '.repeat(GUTTER) + layout.map(({ col, width: w }) => fit(col.title, w, col.align)).join(gap);
  const lines: string[] = [];
  for (let i = offset; i < Math.min(data.length, offset + bodyRows); i++) {
    const row = data.at(i)!;
    const isCursor = i === cursor;
    const gutter = (isCursor ? '›' : ' ') + (mark ? mark(row) : ' ');
    const plainCells = layout.map(({ col, width: w }) =>
      fit(sanitize(col.cell(row)), w, col.align),
    );
    if (isCursor) {
      lines.push(selected(gutter + plainCells.join(gap)));
    } else {
      const cells = plainCells.map((text, j) => {
        const role = layout[j].col.role?.(row);
        return role ? paint(role, text) : text;
      });
      lines.push((mark && gutter[1] !== ' ' ? paint('mark', gutter) : gutter) + cells.join(gap));
    }
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">{paint('header', header)}</Text>
      {data.length === 0 && emptyText ? (
        <Text wrap="truncate-end">{paint('dim', `  ${emptyText}`)}</Text>
      ) : null}
      {lines.map((line, slot) => (
        // Keyed by screen slot, not by row: scrolling updates text in place, no remounts.
        <Text key={slot} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}
