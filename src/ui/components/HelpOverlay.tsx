/** `?`: every key binding from the keymap, grouped by where it applies, with disabled reasons. */
import { formatDurationMs } from '../../core/thresholds.js';
import { Box, Text } from 'ink';
import { selectLayer } from '../../store/layers.js';
import { THRESHOLDS } from '../../store/selectors.js';
import { contextOrder, contextTitle, keymap, keysLabel } from '../keymap.js';
import { fit, formatCount } from '../format.js';
import { useMonitorStore, useMonitor } from '../hooks/use-monitor.js';
import { usePageRows } from '../hooks/use-page-rows.js';
import { paint } from '../theme.js';

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const store = useMonitorStore();
  const scrollWanted = useMonitor((s) => selectLayer(s, 'help')?.scroll ?? 0);
  // Re-render when anything a disabled reason depends on changes (read-only, selection).
  useMonitor(
    (s) =>
      `${s.pending.marks.length}|${s.pending.entries.length}|${s.config.readOnly}|${s.config.deniedCommands.join()}`,
  );
  const state = store.getState();
  const lines: string[] = [];
  // First what the footer showed dimmed: the keys of this pane that cannot run now, and why.
  const disabled = keymap().flatMap((b) => {
    const reason = b.pane === state.ui.pane ? b.disabledReason(state) : null;
    return reason ? [{ b, reason }] : [];
  });
  if (disabled.length > 0) {
    lines.push(paint('header', 'Not available now'));
    for (const { b, reason } of disabled)
      lines.push(
        `  ${paint('dim', fit(keysLabel(b.keys), 12))} ${b.label}: ${paint('warn', reason)}`,
      );
  }
  for (const ctx of contextOrder()) {
    if (ctx === 'help') continue;
    lines.push(paint('header', contextTitle(ctx)));
    for (const b of keymap().filter((x) => x.pane === ctx)) {
      const reason = b.disabledReason(state);
      const keys = fit(keysLabel(b.keys), 12);
      const text = `  ${paint('key', keys)} ${b.description}`;
      lines.push(
        reason
          ? `${paint('dim', `  ${keys} ${b.description}`)} ${paint('warn', `(disabled: ${reason})`)}`
          : text,
      );
    }
  }
  // The thresholds behind the ! mark and the stuck label, with the flags that set them.
  const t = state.config.thresholds;
  lines.push(
    paint('header', 'Thresholds (! mark, STUCK label)'),
    `  lag ≥ ${formatCount(t.lagWarn)} entries (--lag-warn)`,
    `  oldest pending or undelivered entry ≥ ${formatDurationMs(t.pendingAgeWarnMs)} (--pending-age-warn)`,
    `  stuck: idle ≥ ${formatDurationMs(t.stuckAfterMs)} while holding entries (--stuck-after)`,
    `  lag ≥ ${Math.round(THRESHOLDS.lagWarnFraction * 100)}% of the max length (--max-len)`,
    `  pane 2 sorts worst first: ! bad (stuck consumer, oldest pending or undelivered ≥ ${formatDurationMs(Math.max(THRESHOLDS.pendingAgeBadMs, t.pendingAgeWarnMs))}, lag ≥ ${Math.round(THRESHOLDS.lagBadFraction * 100)}% of max length), then ! warn, then by lag, then pending`,
  );
  const body = Math.max(1, height - 2);
  usePageRows(body);
  const scroll = Math.min(scrollWanted, Math.max(0, lines.length - body));
  const more =
    lines.length > body
      ? ` · lines ${scroll + 1}–${Math.min(lines.length, scroll + body)} of ${lines.length}, j/k scroll`
      : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        {paint('title', 'Keys')}
        {paint('dim', `${more} · ? or esc closes`)}
      </Text>
      {lines.slice(scroll, scroll + body).map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {l}
        </Text>
      ))}
    </Box>
  );
}
