/** Every mutation asks first: how many entries, which stream/group, what happens; then the outcome. */
import { Box, Text } from 'ink';
import { stripPrefix } from '../../store/selectors.js';
import { formatCount } from '../format.js';
import { useMonitor } from '../hooks/use-monitor.js';
import { sanitize } from '../sanitize.js';
import { paint, themeMode } from '../theme.js';

const VERB = { ack: 'Acknowledge', claim: 'Claim', replay: 'Replay' } as const;
const ING = { ack: 'Acknowledging', claim: 'Claiming', replay: 'Replaying' } as const;

export function ConfirmDialog({ width }: { width: number }) {
  const c = useMonitor((s) => s.ui.confirm);
  const prefix = useMonitor((s) => s.config.prefix);
  if (!c) return null;
  const n = c.ids.length;
  const what = `${formatCount(n)} ${n === 1 ? 'entry' : 'entries'}`;
  const where = sanitize(`${stripPrefix(prefix, c.stream)} / ${c.group}`);
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
  } else if (c.step === 'confirm') {
    lines.push(paint('title', `${VERB[c.command]} ${what} of ${where}?`));
    if (c.command === 'ack')
      lines.push('They leave the pending list and will not be delivered again.');
    if (c.command === 'claim')
      lines.push(
        `They move to consumer ${paint('accent', sanitize(c.consumer))}; their idle time restarts.`,
      );
    if (c.command === 'replay')
      lines.push(
        'Copies are re-published to the same stream with a field naming the original ID. The originals stay pending.',
      );
    lines.push(paint('dim', sanitize(ids)));
    lines.push(`${paint('key', 'y/enter')} confirm  ${paint('key', 'n/esc')} cancel`);
  } else if (c.step === 'running') {
    lines.push(paint('title', `${ING[c.command]} ${what}…`));
    lines.push(paint('dim', 'waiting for Redis'));
  } else {
    lines.push(paint(c.outcome?.ok ? 'ok' : 'bad', sanitize(c.outcome?.text ?? 'done')));
    lines.push(`${paint('key', 'any key')} close`);
  }
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={
        themeMode() !== 'color' ? undefined : c.step === 'done' && !c.outcome?.ok ? 'red' : 'yellow'
      }
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
