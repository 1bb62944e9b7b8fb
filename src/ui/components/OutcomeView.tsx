/** A long failure in full (the notice line keeps its short first line): wrapped, j/k scroll. */
import { Box, Text } from 'ink';
import { selectLayer } from '../../store/layers.js';
import { useMonitor } from '../hooks/use-monitor.js';
import { usePageRows } from '../hooks/use-page-rows.js';
import { wrapText } from '../format.js';
import { sanitize } from '../sanitize.js';
import { paint } from '../theme.js';

export function OutcomeView({ width, height }: { width: number; height: number }) {
  const o = useMonitor((s) => selectLayer(s, 'outcome'));
  const body = Math.max(1, height - 1);
  usePageRows(body);
  if (!o) return null;
  const lines = wrapText(sanitize(o.text), Math.max(10, width));
  const scroll = Math.min(o.scroll, Math.max(0, lines.length - body));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        {paint('bad', 'Command outcome')}
        {paint('dim', ' · esc closes')}
      </Text>
      {lines.slice(scroll, scroll + body).map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {l}
        </Text>
      ))}
    </Box>
  );
}
