/**
 * The monitor's root: status bar, pane tabs, the active pane (or detail / help / dialog), a
 * notice line and the key hints. One useKeys (useInput, esc+key repaired) hands every key to
 * keymap.handleKey.
 */
import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { MonitorStore } from '../../store/create-store.js';
import type { PaneId } from '../../store/state.js';
import { selectConnection } from '../../store/selectors.js';
import { selectLayer } from '../../store/layers.js';
import { handleInput } from '../keymap.js';
import { displayWidth, truncate } from '../format.js';
import { StoreContext, useMonitorShallow } from '../hooks/use-monitor.js';
import { useKeys } from '../hooks/use-keys.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { sanitize } from '../sanitize.js';
import { paint, selected } from '../theme.js';
import { ConfirmDialog, dialogHeight } from './ConfirmDialog.js';
import { DetailView } from './DetailView.js';
import { Footer } from './Footer.js';
import { paneById, paneLayers, panes } from '../panes/registry.js';
import { HelpOverlay } from './HelpOverlay.js';
import { ProgressLine } from './ProgressLine.js';
import { CommandLine, commandLineRows } from './CommandLine.js';
import { OutcomeView } from './OutcomeView.js';
import { StatusBar, statusBarRows } from './StatusBar.js';

/** How long a notice stays on screen, ms. */
export const NOTICE_MS = 6000;
/** Rows a dialog gets below the pane at least (the confirm dialog more when its text needs them). */
const DIALOG_ROWS = 8;

type Surface = (props: { width: number; height: number }) => ReactNode;

/** How the shared layers are drawn: instead of the pane (screen), below it (dialog), or by the pane itself (inline). */
const SHARED_SURFACES: Record<
  string,
  { placement: 'screen' | 'dialog' | 'inline'; component?: Surface }
> = {
  help: { placement: 'screen', component: HelpOverlay },
  detail: { placement: 'screen', component: DetailView },
  confirm: { placement: 'dialog', component: ConfirmDialog },
  outcome: { placement: 'screen', component: OutcomeView },
  // The events pane draws its own filter line.
  filter: { placement: 'inline' },
  // The `:` line is drawn at the bottom, in the notice's place (CommandLine).
  command: { placement: 'inline' },
};

/**
 * What the stack shows, read from the top down (the same order that gives the keys): the
 * highest screen layer instead of the pane, and a dialog when it is above that.
 */
function surfaces(ids: readonly string[]): {
  Main: Surface | null;
  Dialog: Surface | null;
  dialogId: string | null;
} {
  let Dialog: Surface | null = null;
  let dialogId: string | null = null;
  for (let i = ids.length - 1; i >= 0; i--) {
    const own = paneLayers().find((l) => l.id === ids[i]);
    const s = own
      ? { placement: own.placement ?? 'screen', component: own.component }
      : SHARED_SURFACES[ids[i]];
    if (!s?.component || s.placement === 'inline') continue;
    if (s.placement === 'screen') return { Main: s.component, Dialog, dialogId };
    if (!Dialog) {
      Dialog = s.component;
      dialogId = ids[i];
    }
  }
  return { Main: null, Dialog, dialogId };
}

function Tabs({
  width,
  pane,
  url,
  prefix,
}: {
  width: number;
  pane: PaneId;
  url: string;
  prefix: string;
}) {
  // The server address and port must stay whole (80 columns): first the prefix goes, then the
  // other tabs shrink to their number key, then the plain `redis://` scheme; only then is it cut.
  const full = panes().map((p) => ({ pane: p.id, label: `${p.key} ${p.tab ?? p.title}` }));
  const short = panes().map((p) => ({
    pane: p.id,
    label: p.id === pane ? `${p.key} ${p.tab ?? p.title}` : p.key,
  }));
  const addr = sanitize(url);
  const variants: [typeof full, string][] = [
    [full, `${addr} ${sanitize(prefix)}`],
    [full, addr],
    [short, `${addr} ${sanitize(prefix)}`],
    [short, addr],
    [short, addr.replace(/^redis:\/\//, '')],
  ];
  const widthOf = (t: typeof full) => t.reduce((n, x) => n + displayWidth(x.label) + 3, 0);
  const [TABS, where] =
    variants.find(([t, w]) => widthOf(t) + 1 + displayWidth(w) <= width) ?? variants[4];
  const tabs = TABS.map((t) =>
    t.pane === pane ? selected(paint('title', ` ${t.label} `)) : paint('dim', ` ${t.label} `),
  ).join(' ');
  const used = widthOf(TABS);
  const room = width - used - 1;
  const right = room >= 12 ? truncate(where, room) : '';
  const pad = ' '.repeat(Math.max(1, width - used - displayWidth(right)));
  return <Text wrap="truncate-end">{tabs + pad + paint('dim', right)}</Text>;
}

export interface AppProps {
  store: MonitorStore;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  width?: number;
  height?: number;
}

export function App({ store, width, height }: AppProps) {
  return (
    <StoreContext.Provider value={store}>
      <Screen store={store} width={width} height={height} />
    </StoreContext.Provider>
  );
}

function Screen({ store, width, height }: AppProps) {
  const term = useTerminalSize();
  const cols = width ?? term.columns;
  // One row short of the terminal: Ink repaints the whole screen when a frame fills it.
  const rows = height ?? Math.max(8, term.rows - 1);
  useKeys((input, key) => {
    handleInput(store.getState, store.actions, input, key);
  });
  const v = useMonitorShallow((s) => ({
    pane: s.ui.pane,
    layers: s.ui.layers.map((l) => l.id).join(' '),
    notice:
      s.ui.notice && (s.ui.notice.flash || s.now - s.ui.notice.at < NOTICE_MS) ? s.ui.notice : null,
    url: s.config.url,
    prefix: s.config.prefix,
    statusRows: statusBarRows(selectConnection(s)),
    progress: s.ui.progress !== null,
    lineRows: commandLineRows(selectLayer(s, 'command')),
    confirmRows: dialogHeight(s, cols),
  }));
  // The command line takes the notice's place while it is open.
  const noticeRows = (v.lineRows > 0 ? v.lineRows : v.notice ? 1 : 0) + (v.progress ? 1 : 0);
  const body = Math.max(3, rows - 2 - v.statusRows - noticeRows);
  const { Main, Dialog, dialogId } = surfaces(v.layers ? v.layers.split(' ') : []);
  const Pane = paneById(v.pane)?.component ?? panes()[0].component;
  // The confirm dialog gets the rows its wrapped text needs (the pane keeps at least 2).
  const dialogRows =
    dialogId === 'confirm'
      ? Math.max(2, Math.min(body - 2, Math.max(DIALOG_ROWS, v.confirmRows)))
      : (paneLayers().find((l) => l.id === dialogId)?.dialogRows ?? DIALOG_ROWS);
  const paneHeight = Dialog ? Math.max(2, body - dialogRows) : body;
  const Shown = Main ?? Pane;
  const main = <Shown width={cols} height={paneHeight} />;
  return (
    <Box flexDirection="column" width={cols} height={rows}>
      <StatusBar width={cols} />
      <Tabs width={cols} pane={v.pane} url={v.url} prefix={v.prefix} />
      <Box flexDirection="column" height={body} overflowY="hidden">
        {main}
        {Dialog ? (
          <Box height={dialogRows} flexDirection="column" justifyContent="center">
            <Dialog width={cols} height={dialogRows} />
          </Box>
        ) : null}
      </Box>
      {v.progress ? <ProgressLine width={cols} /> : null}
      {v.lineRows > 0 ? (
        <CommandLine width={cols} />
      ) : v.notice ? (
        <Text wrap="truncate-end">
          {paint(
            v.notice.level === 'error' ? 'bad' : v.notice.level === 'ok' ? 'ok' : 'accent',
            sanitize(v.notice.text),
          )}
        </Text>
      ) : null}
      <Footer width={cols} />
    </Box>
  );
}
