/** Every mutation asks first: how many entries, which stream/group, what happens, whether undoable. */
import { Box, Text } from 'ink';
import { commandKind } from '../../core/command-kinds.js';
import { requestOf } from '../../store/confirm.js';
import { selectLayer } from '../../store/layers.js';
import { stripPrefix } from '../../store/selectors.js';
import { formatCount } from '../format.js';
import { useMonitor } from '../hooks/use-monitor.js';
import { sanitize } from '../sanitize.js';
import { paint, themeMode } from '../theme.js';

const capitalise = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1);

export function ConfirmDialog({ width }: { width: number }) {
  const c = useMonitor((s) => selectLayer(s, 'confirm'));
  const prefix = useMonitor((s) => s.config.prefix);
  if (!c) return null;
  const n = c.ids.length;
  const what = `${formatCount(n)} ${n === 1 ? 'entry' : 'entries'}`;
  // A kind that acts on a stream alone (no group) names only the stream.
  const where = sanitize(stripPrefix(prefix, c.stream) + (c.group ? ` / ${c.group}` : ''));
  const ids = c.ids.slice(0, 3).join(', ') + (n > 3 ? `, … (${formatCount(n - 3)} more)` : '');
  const lines: string[] = [];
  const boxWidth = Math.min(76, Math.max(30, width - 4));
  if (c.step === 'consumer') {
    lines.push(paint('title', `Claim ${what} of ${where}`));
    lines.push(`Target consumer: ${paint('accent', sanitize(c.consumer))}█`);
    lines.push(
      paint(
        'dim',
        c.consumerChoices.length
          ? `type a name, or ↑/↓ to pick: ${sanitize(c.consumerChoices.join(', '))}`
          : 'type the name of the consumer that should own them',
      ),
    );
    // The same words as the footer (the keymap's labels for the confirm dialog).
    lines.push(`${paint('key', 'enter')} confirm  ${paint('key', 'esc')} cancel`);
  } else if (c.preview) {
    // The plan's own preview (setid, delconsumer, undo): what it will do, read from Redis.
    const spec = commandKind(c.command);
    const p = c.preview;
    if (p.status === 'loading') {
      lines.push(paint('title', `${spec.verb} — ${where}`));
      lines.push(paint('dim', 'reading what it would do…'));
    } else if (p.status === 'failed') {
      lines.push(paint('bad', sanitize(`Cannot ${spec.verb.toLowerCase()}: ${p.error}`)));
      lines.push(paint('dim', 'nothing was changed'));
    } else {
      lines.push(paint('title', sanitize(`${capitalise(p.preview.summary)}?`)));
      for (const d of p.preview.details.slice(0, 3)) lines.push(sanitize(d));
      lines.push(
        paint(
          'dim',
          sanitize(
            p.preview.undoable
              ? capitalise(spec.undo)
              : `Not undoable: ${p.preview.undoNote ?? spec.undo}`,
          ),
        ),
      );
    }
    lines.push(
      p.status === 'ready'
        ? `${paint('key', 'y/enter')} confirm  ${paint('key', 'n/esc')} cancel`
        : `${paint('key', 'n/esc')} cancel`,
    );
  } else if (c.step === 'confirm') {
    const spec = commandKind(c.command);
    lines.push(paint('title', `${spec.verb} ${what} of ${where}?`));
    lines.push(sanitize(spec.confirmText(requestOf(c))));
    lines.push(paint('dim', sanitize(capitalise(spec.undo))));
    lines.push(paint('dim', sanitize(ids)));
    lines.push(`${paint('key', 'y/enter')} confirm  ${paint('key', 'n/esc')} cancel`);
  }
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={themeMode() !== 'color' ? undefined : 'yellow'}
      width={boxWidth}
      paddingX={1}
      alignSelf="center"
    >
      {lines.map((l, i) => (
        <Text key={i} wrap="wrap">
          {l}
        </Text>
      ))}
    </Box>
  );
}
