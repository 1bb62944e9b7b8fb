/** Pane 4: consumer groups, each followed by its consumers. */
import type { PaneDescriptor } from '../types.js';
import { FILTER_KEY, SORT_KEY } from '../table-keys.js';
import { GroupsPane } from './GroupsPane.js';
import { groupsModel } from './model.js';

export const groupsPane: PaneDescriptor = {
  id: 'groups',
  key: '4',
  title: 'Consumer groups',
  tab: 'Groups',
  component: GroupsPane,
  model: groupsModel,
  bindings: [
    FILTER_KEY,
    SORT_KEY,
    {
      keys: ['enter'],
      label: 'pending',
      description: 'Show the pending entries of the selected consumer (or group)',
      footer: true,
      run: (a) => a.openSelected(),
    },
  ],
};
