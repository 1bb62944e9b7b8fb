/** Pane 2 (id 'streams'; the folder is not named streams/, which the lint zones reserve for the library): streams & lag, one row per stream and group, worst first. */
import type { PaneDescriptor } from '../types.js';
import { FILTER_KEY, SORT_KEY } from '../table-keys.js';
import { streamsModel } from './model.js';
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
      description: "Show the selected group's pending entries",
      footer: true,
      run: (a) => a.openSelected(),
    },
  ],
};
