/** The full entry: facts, decoded event as pretty JSON, all raw fields; scrolls with j/k g/G. */
import { useMemo } from 'react';
import { Box, Text } from 'ink';
import { selectLayer } from '../../store/layers.js';
import { detailLines } from '../detail-lines.js';
import { formatCount, formatCountOf } from '../format.js';
import { useMonitor } from '../hooks/use-monitor.js';
import { usePageRows } from '../hooks/use-page-rows.js';
import { paint } from '../theme.js';

export function DetailView({ width, height }: { width: number; height: number }) {
  const detail = useMonitor((s) => selectLayer(s, 'detail'));
  const lines = useMemo(
    () => (detail ? detailLines({ ...detail, scroll: 0 }, width) : []),
    [
      // Scrolling must not rebuild the lines: depend on the content, not the scroll offset.
      detail?.kind,
      detail?.stream,
      detail?.kind === 'event' ? detail.event : detail?.id,
      detail?.kind === 'entry' ? detail.fields : null,
      detail?.kind === 'entry' ? detail.loading : null,
      // The other stream's ID arrives after the entry (store/detail-ids.ts).
      detail?.counterpart,
      width,
    ],
  );
  if (!detail) return null;
  const body = Math.max(1, height - 1);
  usePageRows(body);
  const maxScroll = Math.max(0, lines.length - body);
  const scroll = Math.min(detail.scroll, maxScroll);
  const visible = lines.slice(scroll, scroll + body);
  const pos =
    lines.length > body
      ? `lines ${formatCount(scroll + 1)}–${formatCount(scroll + visible.length)} of ${formatCount(lines.length)}`
      : formatCountOf(lines.length, 'line');
  return (
    <Box flexDirection="column" width={width} height={height}>
      {visible.map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {l.text === '' ? ' ' : l.role ? paint(l.role, l.text) : l.text}
        </Text>
      ))}
      <Box flexGrow={1} />
      <Text wrap="truncate-end">
        {paint('dim', `${pos} · j/k scroll · g/G top/bottom · esc back`)}
      </Text>
    </Box>
  );
}
