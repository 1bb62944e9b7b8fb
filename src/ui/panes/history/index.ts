/**
 * The history view (a layer over pane 2): any stream's whole history, paged with XRANGE /
 * XREVRANGE cursors through the queries port. Opened with enter on a stream row or h on any
 * row of pane 2. State and paging: store/history.ts.
 */
import { HISTORY_FILTER, historyLayerModel } from '../../../store/history.js';
import type { LayerModel } from '../../../store/layers.js';
import { paneFilterText } from '../../../store/table-view.js';
import type { PaneLayer } from '../types.js';
import { HistoryView } from './HistoryView.js';
import { REPLAY_KEY } from './replay-layer.js';

export const historyLayer: PaneLayer = {
  id: 'history',
  title: 'History view (2: enter on a stream, h)',
  component: HistoryView,
  model: historyLayerModel as LayerModel,
  bindings: [
    {
      keys: ['enter'],
      label: 'detail',
      description: 'Show the selected entry in full (esc returns to the history)',
      footer: true,
      run: (a) => a.openSelected(),
    },
    {
      keys: ['/'],
      label: 'filter',
      description: 'Filter the loaded window: text, type:<t> or /regex/; ctrl+u clears',
      footer: true,
      run: (a, s) =>
        a.openLayer({
          id: 'filter',
          data: { previous: paneFilterText(s, HISTORY_FILTER), pane: HISTORY_FILTER },
        }),
    },
    {
      keys: ['v'],
      label: 'range',
      description:
        'Start a range at the selected row; v again ends it (title: count — ~ when estimated past 1M — and span)',
      footer: true,
      run: (a) => a.history({ kind: 'range' }),
    },
    REPLAY_KEY,
    {
      keys: ['g', 'home'],
      label: 'oldest',
      description: "Go to the stream's first entry (reads the oldest page)",
      run: (a) => a.moveToEdge('top'),
    },
    {
      keys: ['G', 'end'],
      label: 'newest',
      description: "Go to the stream's last entry (reads the newest page)",
      run: (a) => a.moveToEdge('bottom'),
    },
    {
      keys: ['esc'],
      label: 'close',
      description: 'Clear the range, else close the history view',
      footer: true,
      run: (a) => a.back(),
    },
  ],
};
