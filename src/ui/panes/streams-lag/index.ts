/** Pane 2 (id 'streams'; the folder is not named streams/, which the lint zones reserve for the library): streams & lag, one row per stream and group, worst first. */
import type { PaneDescriptor } from '../types.js';
import { FILTER_KEY, SORT_KEY } from '../table-keys.js';
import { selectedStreamRow, streamsModel } from './model.js';
import { historyLayer } from '../history/index.js';
import { replayLayer } from '../history/replay-layer.js';
import { StreamsPane } from './StreamsPane.js';

export const streamsPane: PaneDescriptor = {
  id: 'streams',
  key: '2',
  title: 'Streams & lag',
  component: StreamsPane,
  model: streamsModel,
  bindings: [
    FILTER_KEY,
    SORT_KEY,
    {
      keys: ['enter'],
      label: 'pending',
      description: "Show the selected group's pending entries (on a stream row: its history)",
      footer: true,
      run: (a) => a.openSelected(),
    },
    {
      keys: ['h'],
      label: 'history',
      description:
        "Browse the selected stream's whole history (XRANGE pages; enter on a stream row too)",
      footer: true,
      disabledReason: (s) => (selectedStreamRow(s) ? null : 'no stream selected'),
      run: (a, s) => {
        const row = selectedStreamRow(s);
        if (row) a.history({ kind: 'open', stream: row.name, key: row.key });
      },
    },
  ],
  layers: [historyLayer, replayLayer],
};
