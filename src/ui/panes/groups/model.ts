/**
 * Pane 4's rows by identity (group, or group + consumer), worst first by default, filtered and
 * sorted (`/`, `S`); enter shows their pending entries. Sorting is per level: groups among
 * groups, each group's consumers under it.
 */
import { findingRank } from '../../../core/diagnosis.js';
import { groupKey } from '../../../core/lag-history.js';
import { selectGroupInsights, type GroupInsight } from '../../../store/insights.js';
import type { PaneModel } from '../../../store/pane-models.js';
import { showPending } from '../../../store/pending.js';
import { selectGroupRows, type GroupRow } from '../../../store/selectors.js';
import type { MonitorState } from '../../../store/state.js';
import {
  byNumber,
  byText,
  clearFilter,
  matcherFor,
  paneFilterText,
  paneSelection,
  paneSortIndex,
  type SortOption,
} from '../../../store/table-view.js';

export const groupRowKey = (r: GroupRow): string =>
  r.kind === 'group'
    ? `g\u0000${r.key}\u0000${r.group}`
    : `c\u0000${r.key}\u0000${r.group}\u0000${r.consumer}`;

type G = Extract<GroupRow, { kind: 'group' }>;
type C = Extract<GroupRow, { kind: 'consumer' }>;

/** One group with its consumers, and what sorting needs to know of them. */
interface Block {
  group: G;
  consumers: C[];
  insight: GroupInsight | undefined;
}

const stuckIn = (b: Block, c: C) => b.insight?.stuck.has(c.consumer) ?? false;
const maxIdle = (b: Block) => Math.max(-1, ...b.consumers.map((c) => c.idleMs));

/** How a sort option orders groups and, inside each group, consumers. */
interface GroupSort extends SortOption<Block> {
  compare: (a: Block, b: Block) => number;
  consumers: (b: Block) => (x: C, y: C) => number;
}

/** Worst consumer first: stuck, then most pending, then most idle. */
const worstConsumer = (b: Block) => (x: C, y: C) =>
  Number(stuckIn(b, y)) - Number(stuckIn(b, x)) || y.pending - x.pending || y.idleMs - x.idleMs;
const asListed = () => () => 0;

/**
 * `S` cycles these; the first is the default. Worst first = groups with a stuck consumer, then
 * by the worst "why" finding (no consumers, dead consumer, poison entry, trimmed, slow, lag
 * unknown), then by lag, then by pending; inside a group: stuck consumers, then most pending.
 */
export const GROUP_SORTS: readonly GroupSort[] = [
  {
    column: null,
    label: 'worst first',
    dir: 'desc',
    compare: (a, b) =>
      Number((b.insight?.stuck.size ?? 0) > 0) - Number((a.insight?.stuck.size ?? 0) > 0) ||
      findingRank(a.insight?.findings ?? []) - findingRank(b.insight?.findings ?? []) ||
      (b.group.lag ?? -1) - (a.group.lag ?? -1) ||
      b.group.pending - a.group.pending,
    consumers: worstConsumer,
  },
  {
    column: 'lag',
    label: 'LAG',
    dir: 'desc',
    compare: byNumber((b: Block) => b.group.lag, 'desc'),
    consumers: worstConsumer,
  },
  {
    column: 'pending',
    label: 'PENDING',
    dir: 'desc',
    compare: byNumber((b: Block) => b.group.pending, 'desc'),
    consumers: () => byNumber((c: C) => c.pending, 'desc'),
  },
  {
    column: 'idle',
    label: 'IDLE',
    dir: 'desc',
    compare: byNumber(maxIdle, 'desc'),
    consumers: () => byNumber((c: C) => c.idleMs, 'desc'),
  },
  {
    column: 'name',
    label: 'NAME',
    dir: 'asc',
    compare: byText((b: Block) => `${b.group.name}\u0000${b.group.group}`),
    consumers: asListed,
  },
];

function blocksOf(rows: readonly GroupRow[], insights: ReadonlyMap<string, GroupInsight>) {
  const out: Block[] = [];
  for (const r of rows)
    if (r.kind === 'group')
      out.push({ group: r, consumers: [], insight: insights.get(groupKey(r.key, r.group)) });
    else out[out.length - 1]?.consumers.push(r);
  return out;
}

let cache: {
  rows: unknown;
  insights: unknown;
  text: string;
  sort: number;
  out: GroupRow[];
} | null = null;

/**
 * What pane 4 lists. `/` keeps a group when it or one of its consumers matches (then only the
 * matching consumers, or all of them when the group itself matched); `type:` reads the stream.
 */
export function selectGroupView(state: MonitorState): readonly GroupRow[] {
  const rows = selectGroupRows(state);
  const insights = selectGroupInsights(state);
  const text = paneFilterText(state, 'groups');
  const sortAt = paneSortIndex(state, 'groups');
  const c = cache;
  if (c && c.rows === rows && c.insights === insights && c.text === text && c.sort === sortAt)
    return c.out;
  const m = matcherFor(text);
  const filtering = m.kind !== 'none' && !m.error;
  const sort = GROUP_SORTS[sortAt] ?? GROUP_SORTS[0];
  const blocks: Block[] = [];
  for (const b of blocksOf(rows, insights)) {
    if (!filtering) {
      blocks.push(b);
      continue;
    }
    const type = b.group.name;
    const groupHit = m.test({ type, text: `${b.group.name}\u0000${b.group.group}` });
    const consumers = groupHit
      ? b.consumers
      : b.consumers.filter((x) =>
          m.test({ type, text: `${x.name}\u0000${x.group}\u0000${x.consumer}` }),
        );
    if (groupHit || consumers.length > 0) blocks.push({ ...b, consumers });
  }
  blocks.sort(sort.compare);
  const out: GroupRow[] = [];
  for (const b of blocks) out.push(b.group, ...[...b.consumers].sort(sort.consumers(b)));
  cache = { rows, insights, text, sort: sortAt, out };
  return out;
}

const selection = paneSelection('groups', selectGroupView, groupRowKey);

export const selectGroupCursor: (state: MonitorState) => number = selection.cursor;

export const groupsModel: Omit<PaneModel, 'id'> = {
  sorts: GROUP_SORTS,
  moveCursor: selection.moveCursor,
  back: (state) => clearFilter(state, 'groups'),
  open(state) {
    const row = selection.selected(state);
    if (!row) return state;
    return showPending(state, {
      stream: row.key,
      group: row.group,
      consumer: row.kind === 'consumer' ? row.consumer : null,
    });
  },
};
