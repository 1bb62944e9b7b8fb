/**
 * The replay dialog (R in the history view, `:replay`): the range's exact count, span and bytes
 * (read by the commands port's preview), the target and the speed the person picks with `t` and
 * `s`, where the copies go, and that it cannot be undone. State: store/replay-dialog.ts.
 */
import { Box, Text } from 'ink';
import { DLQ_SEGMENT, GLOBAL_STREAM_SUFFIX } from '../../../core/keys.js';
import { formatSpeed } from '../../../core/replay-range.js';
import { selectLayer } from '../../../store/layers.js';
import { formatSpan } from '../../../store/history.js';
import { SPEEDS, type ReplayDialogData } from '../../../store/replay-dialog.js';
import { formatCount } from '../../format.js';
import { useMonitor } from '../../hooks/use-monitor.js';
import { sanitize } from '../../sanitize.js';
import { paint, themeMode } from '../../theme.js';

const TARGET_LABEL = { prefix: 'sandbox prefix', same: 'same stream', group: 'new group' } as const;

/** `[chosen] other other`: the choices in a row, the chosen one bracketed and lit. */
function choices<T>(all: readonly T[], chosen: T, label: (t: T) => string): string {
  return all
    .map((t) => (t === chosen ? paint('accent', `[${label(t)}]`) : paint('dim', ` ${label(t)} `)))
    .join(' ');
}

/** The streams a copy goes to, under the sandbox prefix (streams/replay.ts copiesOf). */
function copyStreams(d: ReplayDialogData): string {
  if (d.stream === GLOBAL_STREAM_SUFFIX) return `${GLOBAL_STREAM_SUFFIX} + <type>`;
  if (d.stream.startsWith(DLQ_SEGMENT)) return d.stream;
  return `${d.stream} + all`;
}

function spanOf(d: ReplayDialogData): number | null {
  if (d.preview.status !== 'ready') return null;
  const ms = d.preview.preview.data?.spanMs;
  return typeof ms === 'number' ? ms : null;
}

export function ReplayDialog({ width }: { width: number; height: number }) {
  const d = useMonitor((s) => selectLayer(s, 'replay'));
  if (!d) return null;
  const boxWidth = Math.min(76, Math.max(30, width - 4));
  const name = sanitize(d.stream);
  const lines: string[] = [];
  const p = d.preview;
  const span = spanOf(d);
  if (p.status === 'loading')
    lines.push(paint('title', `Replay a range of ${name}`) + paint('dim', ' · counting…'));
  else if (p.status === 'failed') lines.push(paint('bad', sanitize(`Cannot replay: ${p.error}`)));
  else {
    const n = p.preview.count;
    const bytes = p.preview.data?.bytes;
    // Span and bytes on a line of their own: behind a long stream name on the title line they
    // were cut off at 76 columns, and the size is a key fact of the preview.
    lines.push(
      paint('title', `Replay ${formatCount(n)} ${n === 1 ? 'entry' : 'entries'} of ${name}?`),
    );
    lines.push(
      paint(
        'dim',
        `span ${formatSpan(span ?? 0)}${typeof bytes === 'number' ? ` · ${formatCount(bytes)} bytes` : ''}`,
      ),
    );
  }
  // The entries the range holds, once counted (a time bound ends in …-18446744073709551615).
  const first = p.status === 'ready' ? p.preview.data?.firstId : null;
  const last = p.status === 'ready' ? p.preview.data?.lastId : null;
  const shown =
    typeof first === 'string' && typeof last === 'string'
      ? `entries ${first} .. ${last}`
      : `range ${d.from} .. ${d.to}`;
  lines.push(paint('dim', sanitize(shown)));
  lines.push(
    `target ${choices(['prefix', 'same', 'group'] as const, d.target, (t) => TARGET_LABEL[t])} ${paint('key', 't')}`,
  );
  if (d.target === 'prefix') lines.push(sanitize(`copies → ${copyStreams(d)} under ${d.prefix}`));
  else if (d.target === 'same')
    lines.push(
      paint(
        'warn',
        'WARNING: copies go into the live stream (tagged replayed_from): its consumers process them again',
      ),
    );
  else {
    lines.push(sanitize(`creates group "${d.group}" just before ${d.from}; nothing is copied`));
    // Redis cannot stop a group at an ID: say what it delivers after the range.
    const after = p.status === 'ready' ? p.preview.data?.afterCount : null;
    if (typeof after === 'number')
      lines.push(
        paint(
          after > 0 ? 'warn' : 'dim',
          after > 0
            ? `then the ${p.status === 'ready' && p.preview.data?.afterEstimated ? '~' : ''}${formatCount(after)} after the range too (unless consumers pass until)`
            : 'the range reaches the end: entries added later are delivered too',
        ),
      );
  }
  const speeds = SPEEDS.includes(d.speed) ? SPEEDS : [d.speed, ...SPEEDS];
  const takes =
    d.target !== 'group' && d.speed !== 'max' && span !== null
      ? paint('dim', ` · takes about ${formatSpan(Math.round(span / d.speed))}`)
      : '';
  if (d.target !== 'group')
    lines.push(`speed  ${choices(speeds, d.speed, formatSpeed)} ${paint('key', 's')}${takes}`);
  lines.push(
    paint(
      'dim',
      d.target === 'group'
        ? sanitize(`Not undoable by streamscope: XGROUP DESTROY ${d.key} ${d.group} removes it`)
        : 'Not undoable: the copies stay (a sandbox can be deleted key by key)',
    ),
  );
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
        <Text key={i} wrap="truncate-end">
          {l}
        </Text>
      ))}
    </Box>
  );
}
