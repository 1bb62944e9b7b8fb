/** Pane 1: the live tail of the global stream. */
import type { PaneDescriptor } from '../types.js';
import { COPY_KEYS, EXPORT_KEY } from '../table-keys.js';
import { LiveEventsPane } from './LiveEventsPane.js';
import { eventsModel } from './model.js';

export const eventsPane: PaneDescriptor = {
  id: 'events',
  key: '1',
  title: 'Live events',
  component: LiveEventsPane,
  model: eventsModel,
  bindings: [
    {
      keys: ['p'],
      label: 'pause',
      description: 'Pause or resume the live list (new events keep arriving and are counted)',
      footer: true,
      run: (a) => a.togglePause(),
    },
    {
      keys: ['/'],
      label: 'filter',
      description: 'Filter live: text, type:<t> (with * wildcards) or /regex/',
      footer: true,
      run: (a) => a.startFilter(),
    },
    {
      keys: ['enter'],
      label: 'detail',
      description: 'Open the selected event: decoded JSON, raw fields, entry ID and time',
      footer: true,
      run: (a) => a.openSelected(),
    },
    ...COPY_KEYS,
    EXPORT_KEY,
  ],
};
