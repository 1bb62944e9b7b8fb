/**
 * Selection by identity: a list remembers WHICH row is selected (its key), not a row number, so
 * rows may re-sort under a still selection. The last row number is kept only to find the
 * neighbour when the selected row disappears.
 */

export const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));

export interface Selection {
  /** Identity of the selected row (entry ID, stream + group…). */
  key: string;
  /** Where it was last seen: the neighbour to select when it is gone. */
  index: number;
}

export interface KeyedRows<T> {
  readonly length: number;
  at(i: number): T | undefined;
}

/** Row index of `sel` in `rows`: the row with its key, else its old row number (clamped); -1 when empty. */
export function selectedIndex<T>(
  rows: readonly T[] | KeyedRows<T>,
  keyOf: (row: T) => string,
  sel: Selection | null | undefined,
): number {
  const n = rows.length;
  if (n === 0) return -1;
  if (!sel) return 0;
  const at = (i: number) => ('at' in rows ? rows.at(i) : (rows as readonly T[])[i]);
  // Usually where it was (or next to it): look there first, then everywhere.
  const near = clamp(sel.index, 0, n - 1);
  for (const i of [near, near - 1, near + 1]) {
    const r = i >= 0 && i < n ? at(i) : undefined;
    if (r !== undefined && keyOf(r) === sel.key) return i;
  }
  for (let i = 0; i < n; i++) if (keyOf(at(i) as T) === sel.key) return i;
  return near;
}

/** The selection after moving `delta` rows (±Infinity: to an edge); null when the list is empty. */
export function movedSelection<T>(
  rows: readonly T[],
  keyOf: (row: T) => string,
  sel: Selection | null | undefined,
  delta: number,
): Selection | null {
  if (rows.length === 0) return null;
  const cur = selectedIndex(rows, keyOf, sel);
  const i = movedIndex(cur, delta, rows.length);
  return { key: keyOf(rows[i]), index: i };
}

/** Row index after moving `delta` rows from `cur` in a list of `n` (±Infinity: an edge). */
export function movedIndex(cur: number, delta: number, n: number): number {
  return clamp(Number.isFinite(delta) ? cur + delta : delta > 0 ? n - 1 : 0, 0, Math.max(0, n - 1));
}

/** The selection pointing at row `i` of `rows` (null when there is none). */
export function selectionAt<T>(
  rows: readonly T[],
  keyOf: (row: T) => string,
  i: number,
): Selection | null {
  const r = rows[i];
  return r === undefined ? null : { key: keyOf(r), index: i };
}
