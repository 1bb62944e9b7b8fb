/** Key hints for what can be done now, from the keymap; disabled keys are dimmed with the reason. */
import { Text } from 'ink';
import { selectLayer } from '../../store/layers.js';
import { footerHints } from '../keymap.js';
import { displayWidth } from '../format.js';
import { useMonitorStore, useMonitor } from '../hooks/use-monitor.js';
import { paint } from '../theme.js';

export function Footer({ width }: { width: number }) {
  const store = useMonitorStore();
  // Re-render when what the hints depend on changes: the active layer, selection, read-only.
  useMonitor(
    (s) =>
      `${s.ui.pane}|${s.ui.layers.map((l) => l.id).join()}|${selectLayer(s, 'confirm')?.step}|${s.pending.marks.length}|${s.pending.entries.length > 0}|${s.config.readOnly}|${s.config.deniedCommands.join()}`,
  );
  const hints = footerHints(store.getState());
  // Disabled keys are dimmed and followed by why, right where they are (not at the end of a
  // line that may be cut): `a ack  c claim  r replay (read-only mode)`.
  const parts: { plain: string; text: string }[] = [];
  hints.forEach((h, i) => {
    const plain = `${h.keys} ${h.label}`;
    if (!h.disabled) {
      parts.push({ plain, text: `${paint('key', h.keys)} ${h.label}` });
      return;
    }
    const endOfRun = hints[i + 1]?.disabled !== h.disabled;
    const why = endOfRun ? ` (${h.disabled})` : '';
    parts.push({ plain: plain + why, text: paint('dim', plain) + (why ? paint('warn', why) : '') });
  });
  const kept: string[] = [];
  let used = 0;
  for (const p of parts) {
    const w = displayWidth(p.plain) + (kept.length ? 2 : 0);
    if (used + w > width) break;
    used += w;
    kept.push(p.text);
  }
  return <Text wrap="truncate-end">{kept.join('  ')}</Text>;
}
