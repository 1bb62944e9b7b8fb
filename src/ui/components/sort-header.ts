/** The header arrow of the column a list is sorted by: ▾ largest/worst first, ▴ A→Z / oldest first. */
import type { SortLabel } from '../../store/table-view.js';
import type { Column } from './Table.js';

export function withSortArrow<T>(
  columns: readonly Column<T>[],
  sort: SortLabel | undefined,
): Column<T>[] {
  if (!sort || sort.column === null) return [...columns];
  const arrow = sort.dir === 'desc' ? '▾' : '▴';
  return columns.map((c) => {
    if (c.key !== sort.column) return c;
    const title = `${c.title} ${arrow}`;
    // A fixed-width column grows by the arrow rather than cutting its title.
    return {
      ...c,
      title,
      width: c.width === undefined ? undefined : Math.max(c.width, title.length),
    };
  });
}
