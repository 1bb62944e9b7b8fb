/**
 * Every mutation asks first: how many entries, which stream/group, what happens, whether undoable.
 * The dialog wraps its own lines (dialogRows) so App can give it exactly the rows it needs: a
 * fixed height once cut a wrapped preview short and lost the words that mattered (the claim
 * target of delconsumer, "delivered again" of setid).
 */
import { Box, Text } from 'ink';
import { commandKind } from '../../core/command-kinds.js';
import { requestOf } from '../../store/confirm.js';
import { selectLayer } from '../../store/layers.js';
import { stripPrefix } from '../../store/selectors.js';
import type { ConfirmState, MonitorState } from '../../store/state.js';
import { formatCount, wrapText } from '../format.js';
import { useMonitor } from '../hooks/use-monitor.js';
import { sanitize } from '../sanitize.js';
import { paint, themeMode, type Role } from '../theme.js';

const capitalise = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1);

/** Text to wrap in one role, or a short line already painted (key hints: never wrapped). */
type Line = { text: string; role?: Role } | { painted: string };

/** The box's width for a terminal `width` columns wide; its text is 4 narrower (border, padding). */
export function dialogWidth(width: number): number {
  return Math.min(76, Math.max(30, width - 4));
}

function dialogLines(c: ConfirmState, prefix: string): Line[] {
  const n = c.ids.length;
  // Dead letters are counted as such ("Delete 2 dead letters of dlq:t?"), entries as entries.
  const dlq = c.command === 'redrive' || c.command === 'dlq-delete';
  const what = dlq
    ? `${formatCount(n)} dead ${n === 1 ? 'letter' : 'letters'}`
    : `${formatCount(n)} ${n === 1 ? 'entry' : 'entries'}`;
  // A kind that acts on a stream alone (no group) names only the stream.
  const where = sanitize(stripPrefix(prefix, c.stream) + (c.group ? ` / ${c.group}` : ''));
  const ids = c.ids.slice(0, 3).join(', ') + (n > 3 ? `, … (${formatCount(n - 3)} more)` : '');
  const lines: Line[] = [];
  if (c.step === 'consumer') {
    lines.push({ text: `Claim ${what} of ${where}`, role: 'title' });
    lines.push({
      painted: `Target consumer: ${paint('accent', sanitize(c.consumer))}█`,
    });
    lines.push({
      text: c.consumerChoices.length
        ? `type a name, or ↑/↓ to pick: ${sanitize(c.consumerChoices.join(', '))}`
        : 'type the name of the consumer that should own them',
      role: 'dim',
    });
    // The same words as the footer (the keymap's labels for the confirm dialog).
    lines.push({ painted: `${paint('key', 'enter')} confirm  ${paint('key', 'esc')} cancel` });
    return lines;
  }
  const spec = commandKind(c.command);
  if (c.preview) {
    // The plan's own preview (setid, delconsumer, undo): what it will do, read from Redis.
    const p = c.preview;
    if (p.status === 'loading') {
      lines.push({ text: `${spec.verb} — ${where}`, role: 'title' });
      lines.push({ text: 'reading what it would do…', role: 'dim' });
    } else if (p.status === 'failed') {
      lines.push({ text: sanitize(`Cannot ${spec.verb.toLowerCase()}: ${p.error}`), role: 'bad' });
      lines.push({ text: 'nothing was changed', role: 'dim' });
    } else {
      lines.push({ text: sanitize(`${capitalise(p.preview.summary)}?`), role: 'title' });
      for (const d of p.preview.details.slice(0, 3)) lines.push({ text: sanitize(d) });
      lines.push({
        text: sanitize(
          p.preview.undoable
            ? capitalise(spec.undo)
            : `Not undoable: ${p.preview.undoNote ?? spec.undo}`,
        ),
        role: 'dim',
      });
    }
    lines.push({
      painted:
        p.status === 'ready'
          ? `${paint('key', 'y/enter')} confirm  ${paint('key', 'n/esc')} cancel`
          : `${paint('key', 'n/esc')} cancel`,
    });
    return lines;
  }
  const verb = dlq ? spec.verb.replace(/ dead letters$/, '') : spec.verb;
  lines.push({ text: `${verb} ${what} of ${where}?`, role: 'title' });
  lines.push({ text: sanitize(spec.confirmText(requestOf(c))) });
  lines.push({ text: sanitize(capitalise(spec.undo)), role: 'dim' });
  lines.push({ text: sanitize(ids), role: 'dim' });
  lines.push({ painted: `${paint('key', 'y/enter')} confirm  ${paint('key', 'n/esc')} cancel` });
  return lines;
}

/** The dialog's rows inside its border, wrapped to the box, painted. */
export function dialogRows(state: MonitorState, width: number): string[] {
  const c = selectLayer(state, 'confirm');
  if (!c) return [];
  const inner = dialogWidth(width) - 4;
  return dialogLines(c, state.config.prefix).flatMap((l) =>
    'painted' in l
      ? [l.painted]
      : wrapText(l.text, inner).map((row) => (l.role ? paint(l.role, row) : row)),
  );
}

/** Rows the dialog takes on screen, border included (App sizes the pane around it). */
export function dialogHeight(state: MonitorState, width: number): number {
  const rows = dialogRows(state, width).length;
  return rows === 0 ? 0 : rows + 2;
}

export function ConfirmDialog({ width, height }: { width: number; height: number }) {
  const rows = useMonitor((s) => dialogRows(s, width).join('\n'));
  if (!rows) return null;
  // A terminal too short for all of it keeps the last rows: the keys to answer with.
  const all = rows.split('\n');
  const room = Math.max(1, height - 2);
  const shown = all.length > room ? [...all.slice(0, room - 1), all[all.length - 1]] : all;
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={themeMode() !== 'color' ? undefined : 'yellow'}
      width={dialogWidth(width)}
      paddingX={1}
      alignSelf="center"
    >
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {l}
        </Text>
      ))}
    </Box>
  );
}
