/** The `:` command line at the bottom: the text being typed, then its error or tab's candidates. */
import { Text } from 'ink';
import { selectLayer } from '../../store/layers.js';
import type { CommandLineState } from '../../store/state.js';
import { truncate } from '../format.js';
import { useMonitor } from '../hooks/use-monitor.js';
import { sanitize } from '../sanitize.js';
import { paint } from '../theme.js';

/** Rows the line takes: itself, plus one for an error or the candidates. */
export function commandLineRows(line: CommandLineState | null): number {
  if (!line) return 0;
  return 1 + (line.error || line.candidates.length > 0 ? 1 : 0);
}

export function CommandLine({ width }: { width: number }) {
  const line = useMonitor((s) => selectLayer(s, 'command'));
  if (!line) return null;
  const text = sanitize(line.text);
  // Keep the end of a long line in view: that is where the cursor is.
  const shown = text.length + 2 > width ? `…${text.slice(text.length + 3 - width)}` : text;
  return (
    <>
      <Text wrap="truncate-end">{`${paint('key', ':')}${shown}█`}</Text>
      {line.error ? (
        <Text wrap="truncate-end">{paint('bad', truncate(sanitize(line.error), width))}</Text>
      ) : line.candidates.length > 0 ? (
        <Text wrap="truncate-end">
          {paint('dim', truncate(sanitize(line.candidates.join('  ')), width))}
        </Text>
      ) : null}
    </>
  );
}
