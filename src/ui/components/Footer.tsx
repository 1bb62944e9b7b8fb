/**
 * Key hints for what can be done now, from the keymap. The line is filled by priority: `q quit`
 * and `? help` are always there (at the end, their room reserved first); the other hints keep
 * their keymap order and the last ones are dropped when the line is full. A disabled key is
 * dimmed; why it is disabled is in `?` (the footer has no room for sentences).
 */
import { Text } from 'ink';
import { selectLayer } from '../../store/layers.js';
import { footerHints, type Hint } from '../keymap.js';
import { displayWidth } from '../format.js';
import { useMonitorStore, useMonitor } from '../hooks/use-monitor.js';
import { paint } from '../theme.js';

/** Hints that are never dropped: quit and help (the way out and the way to everything else). */
const PINNED = new Set(['q', '?']);

const SEP = 2;

/** The hints that fit in `width`, pinned ones kept whatever else is dropped, in display order. */
export function fitHints(hints: readonly Hint[], width: number): Hint[] {
  const plain = (h: Hint) => `${h.keys} ${h.label}`;
  const pinned = hints.filter((h) => PINNED.has(h.keys));
  const rest = hints.filter((h) => !PINNED.has(h.keys));
  let used = pinned.reduce((n, h, i) => n + displayWidth(plain(h)) + (i ? SEP : 0), 0);
  const kept: Hint[] = [];
  for (const h of rest) {
    const w = displayWidth(plain(h)) + SEP;
    // Later hints may still fit after a long one is dropped: keep looking.
    if (used + w > width) continue;
    used += w;
    kept.push(h);
  }
  return [...kept, ...pinned];
}

export function Footer({ width }: { width: number }) {
  const store = useMonitorStore();
  // Re-render when what the hints depend on changes: the active layer, selection, read-only.
  useMonitor(
    (s) =>
      `${s.ui.pane}|${s.ui.layers.map((l) => l.id).join()}|${selectLayer(s, 'confirm')?.step}|${s.pending.marks.length}|${s.pending.entries.length > 0}|${s.config.readOnly}|${s.config.deniedCommands.join()}`,
  );
  const hints = fitHints(footerHints(store.getState()), width);
  const text = hints
    .map((h) =>
      h.disabled ? paint('dim', `${h.keys} ${h.label}`) : `${paint('key', h.keys)} ${h.label}`,
    )
    .join(' '.repeat(SEP));
  return <Text wrap="truncate-end">{text}</Text>;
}
