/**
 * A small table with ink-table's props (`data`, `columns`, `padding`) — ink-table itself does
 * not load under Ink 6 (CommonJS require of an ESM graph with top-level await:
 * ERR_REQUIRE_ASYNC_MODULE). Virtualised: only the rows that fit are rendered, each as ONE
 * string (cells fitted, sanitized and coloured here), so a 10,000-row buffer costs what 20 do.
 */
import { useRef } from 'react';
import { Box, Text } from 'ink';
import { fit } from '../format.js';
import { sanitize } from '../sanitize.js';
import { paint, selected, type Role } from '../theme.js';

export interface Column<T> {
  key: string;
  title: string;
  /** Fixed width in columns; omit for a flexible column that takes the remaining width. */
  width?: number;
  /** Flexible columns never get narrower than this. Default 8. */
  minWidth?: number;
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

export function layoutColumns<T>(columns: readonly Column<T>[], width: number, padding: number): { col: Column<T>; width: number }[] {
  const visible = columns.filter((c) => !c.hideBelow || width >= c.hideBelow);
  const fixed = visible.reduce((n, c) => n + (c.width ?? 0), 0) + padding * Math.max(0, visible.length - 1) + GUTTER;
  const flex = visible.filter((c) => c.width === undefined);
  const rest = Math.max(0, width - fixed);
  let given = 0;
  return visible.map((c) => {
    if (c.width !== undefined) return { col: c, width: c.width };
    // The last flexible column takes the rounding remainder so rows end exactly at `width`.
    const w = flex.indexOf(c) === flex.length - 1 ? rest - given : Math.floor(rest / flex.length);
    given += w;
    return { col: c, width: Math.max(c.minWidth ?? 8, w) };
  });
}

/** First visible row: keeps the cursor on screen, moving the window as little as possible. */
export function scrollOffset(previous: number, cursor: number, length: number, visibleRows: number): number {
  const max = Math.max(0, length - visibleRows);
  let off = Math.min(previous, max);
  if (cursor >= 0) {
    if (cursor < off) off = cursor;
    else if (cursor >= off + visibleRows) off = cursor - visibleRows + 1;
  }
  return Math.max(0, Math.min(off, max));
}

export function Table<T>({ data, columns, padding = 1, width, height, cursor = -1, mark, emptyText = '' }: TableProps<T>) {
  const offsetRef = useRef(0);
  const bodyRows = Math.max(0, height - 1);
  const offset = scrollOffset(offsetRef.current, cursor, data.length, bodyRows);
  offsetRef.current = offset;
  const layout = layoutColumns(columns, width, padding);
  const gap = ' '.repeat(padding);
  const header = ' '.repeat(GUTTER) + layout.map(({ col, width: w }) => fit(col.title, w, col.align)).join(gap);
  const lines: string[] = [];
  for (let i = offset; i < Math.min(data.length, offset + bodyRows); i++) {
    const row = data.at(i)!;
    const isCursor = i === cursor;
    const gutter = (isCursor ? '›' : ' ') + (mark ? mark(row) : ' ');
    const plainCells = layout.map(({ col, width: w }) => fit(sanitize(col.cell(row)), w, col.align));
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
      {data.length === 0 && emptyText ? <Text wrap="truncate-end">{paint('dim', `  ${emptyText}`)}</Text> : null}
      {lines.map((line, slot) => (
        // Keyed by screen slot, not by row: scrolling updates text in place, no remounts.
        <Text key={slot} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}
