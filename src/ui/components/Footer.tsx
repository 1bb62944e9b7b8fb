/** Key hints for what can be done now, from the keymap; disabled keys are dimmed with the reason. */
import { Text } from 'ink';
import { footerHints } from '../keymap.js';
import { displayWidth } from '../format.js';
import { useMonitorStore, useMonitor } from '../hooks/use-monitor.js';
import { paint } from '../theme.js';

export function Footer({ width }: { width: number }) {
  const store = useMonitorStore();
  // Re-render when what the hints depend on changes: the active layer, selection, read-only.
  useMonitor((s) => `${s.ui.pane}|${s.ui.help}|${!!s.ui.detail}|${s.ui.confirm?.step}|${s.view.filter.editing}|${s.pending.marks.length}|${s.pending.entries.length > 0}`);
  const hints = footerHints(store.getState());
  const reasons = new Set<string>();
  const parts: string[] = [];
  let used = 0;
  for (const h of hints) {
    const plain = `${h.keys} ${h.label}`;
    const w = displayWidth(plain) + 2;
    if (used + w > width) break;
    used += w;
    if (h.disabled) reasons.add(h.disabled);
    parts.push(h.disabled ? paint('dim', plain) : `${paint('key', h.keys)} ${h.label}`);
  }
  const why = [...reasons].map((r) => `(${r})`).join(' ');
  const line = parts.join('  ');
  return (
    <Text wrap="truncate-end">
      {line}
      {why && used + displayWidth(why) + 2 <= width ? paint('dim', `  ${why}`) : ''}
    </Text>
  );
}
