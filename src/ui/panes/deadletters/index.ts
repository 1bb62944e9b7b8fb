/** Pane 5: dead letters of every `<prefix>dlq:*` stream; marks; r redrive, x delete; enter shows one; / and S. */
import { COPY_KEYS, EXPORT_KEY, FILTER_KEY, SORT_KEY } from '../table-keys.js';
import type { PaneDescriptor } from '../types.js';
import { DeadLettersPane } from './DeadLettersPane.js';
import { deadLettersModel } from './model.js';

export const deadLettersPane: PaneDescriptor = {
  id: 'deadletters',
  key: '5',
  title: 'Dead letters',
  tab: 'DLQ',
  component: DeadLettersPane,
  model: deadLettersModel,
  bindings: [
    {
      keys: ['space'],
      label: 'mark',
      description: 'Mark or unmark the selected dead letter (`:mark <rule>` marks by rule)',
      footer: true,
      run: (a) => a.toggleMark(),
    },
    {
      keys: ['r'],
      label: 'redrive',
      description:
        'Redrive the marked (or selected) dead letters: the original fields byte-for-byte to the original stream, the dead letter deleted in the same MULTI',
      footer: true,
      command: 'redrive',
    },
    {
      keys: ['x'],
      label: 'delete',
      description: 'Delete the marked (or selected) dead letters, after confirmation (XDEL)',
      footer: true,
      command: 'dlq-delete',
    },
    {
      keys: ['enter'],
      label: 'open',
      description: 'Open the selected dead letter in full',
      run: (a) => a.openSelected(),
    },
    FILTER_KEY,
    SORT_KEY,
    ...COPY_KEYS,
    EXPORT_KEY,
  ],
};
