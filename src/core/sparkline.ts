/**
 * A sparkline from numbers: one block character per value (▁▂▃▄▅▆▇█), scaled from 0 to the
 * largest value, so the shape reads without colour (NO_COLOR). Unknown values are `·`.
 */

const BLOCKS = '▁▂▃▄▅▆▇█';
export const SPARK_UNKNOWN = '·';

/**
 * `values` oldest first; the result is exactly `width` characters: the newest values, each
 * column the maximum of the values it covers (a spike is never averaged away), left-padded with
 * spaces when there are fewer values than columns.
 */
export function sparkline(values: readonly (number | null)[], width: number): string {
  if (width <= 0) return '';
  const cols = bucket(values, width);
  let max = 0;
  for (const v of cols) if (v !== null && v > max) max = v;
  let out = '';
  for (const v of cols) {
    if (v === null) out += SPARK_UNKNOWN;
    else if (max === 0) out += BLOCKS[0];
    else out += BLOCKS[Math.min(7, Math.round((v / max) * 7))];
  }
  return out.padStart(width);
}

/** At most `width` columns: each the max of a contiguous run of values (null only if all null). */
function bucket(values: readonly (number | null)[], width: number): (number | null)[] {
  if (values.length <= width) return [...values];
  const out: (number | null)[] = [];
  const per = values.length / width;
  for (let c = 0; c < width; c++) {
    let m: number | null = null;
    const end = Math.floor((c + 1) * per);
    for (let i = Math.floor(c * per); i < end; i++) {
      const v = values[i];
      if (v !== null && (m === null || v > m)) m = v;
    }
    out.push(m);
  }
  return out;
}
