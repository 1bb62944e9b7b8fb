/**
 * The filter line of a table pane (panes 2–5; pane 1 draws its own): `filter / text█`, and why a
 * regex is invalid. Shown while the filter is typed in (the `filter` layer is on top) or set.
 */
import { Text } from 'ink';
import { selectTop } from '../../store/layers.js';
import type { MonitorState } from '../../store/state.js';
import { matcherFor, paneFilterText } from '../../store/table-view.js';
import { fit } from '../format.js';
import { useMonitorShallow } from '../hooks/use-monitor.js';
import { sanitize } from '../sanitize.js';
import { paint } from '../theme.js';

/** The filter line is drawn (takes a row): typed in, or a filter is set. */
export function filterLineShown(state: MonitorState, pane: string): boolean {
  return selectTop(state, 'filter')?.pane === pane || paneFilterText(state, pane) !== '';
}

export function FilterLine({ pane, width }: { pane: string; width: number }) {
  const v = useMonitorShallow((s) => ({
    text: paneFilterText(s, pane),
    editing: selectTop(s, 'filter')?.pane === pane,
  }));
  if (!v.editing && v.text === '') return null;
  const error = matcherFor(v.text).error;
  const text = `/ ${sanitize(v.text)}${v.editing ? '█' : ''}`;
  return (
    <Text wrap="truncate-end">
      {paint('key', 'filter ')}
      {fit(text, Math.max(1, width - 8 - (error ? error.length + 3 : 0)))}
      {error ? paint('bad', ` (${error})`) : ''}
    </Text>
  );
}

/** `· 3 of 12 match` while filtered, '' otherwise. */
export function matchCount(shown: number, of: number, filtered: boolean): string {
  return filtered
    ? ` · ${shown.toLocaleString('en-US')} of ${of.toLocaleString('en-US')} match`
    : '';
}
