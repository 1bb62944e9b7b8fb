/** Pane 3: one group's pending entries (PEL), marks, ack / claim / replay; the group picker. */
import type { PaneDescriptor } from '../types.js';
import { COPY_KEYS, EXPORT_KEY, FILTER_KEY, SORT_KEY } from '../table-keys.js';
import { GroupPicker } from './GroupPicker.js';
import { pendingModel } from './model.js';
import { pickerModel } from './picker-model.js';
import { PendingPane } from './PendingPane.js';

export const pendingPane: PaneDescriptor = {
  id: 'pending',
  key: '3',
  title: 'Pending entries',
  tab: 'Pending',
  component: PendingPane,
  model: pendingModel,
  bindings: [
    {
      keys: ['space'],
      label: 'mark',
      description: 'Mark or unmark the selected entry',
      footer: true,
      run: (a) => a.toggleMark(),
    },
    {
      keys: ['a'],
      label: 'ack',
      description: 'Acknowledge the marked (or selected) entries (XACK), after confirmation',
      footer: true,
      command: 'ack',
    },
    {
      keys: ['c'],
      label: 'claim',
      description: 'Claim the marked (or selected) entries for a consumer you choose (XCLAIM)',
      footer: true,
      command: 'claim',
    },
    {
      keys: ['d'],
      label: 'dead-letter',
      description:
        'Dead-letter the marked (or selected) entries: copy each to <prefix>dlq:<type> and acknowledge it, one MULTI per batch',
      command: 'deadletter',
    },
    {
      keys: ['r'],
      label: 'replay',
      description: 'Replay: re-publish copies to the same stream, naming the original ID',
      footer: true,
      command: 'replay',
    },
    {
      keys: ['enter'],
      label: 'entry',
      description: 'Open the selected entry in full',
      run: (a) => a.openSelected(),
    },
    {
      keys: ['n'],
      label: 'next page',
      description: 'Next page of the pending entries list',
      footer: true,
      run: (a) => a.changePage(1),
    },
    {
      keys: ['b'],
      label: 'prev page',
      description: 'Previous page',
      run: (a) => a.changePage(-1),
    },
    {
      keys: ['o'],
      label: 'order',
      description: 'Order the pending entries most idle first (default) or by entry ID',
      run: (a) => a.togglePendingOrder(),
    },
    SORT_KEY,
    {
      keys: ['s'],
      label: 'pick group',
      description: 'Pick another stream and group from a list with their pending counts',
      footer: true,
      run: (a) => a.openPicker(),
    },
    FILTER_KEY,
    {
      keys: [']'],
      label: 'next group',
      description: 'Show the next stream/group with pending entries (each once per cycle, by name)',
      run: (a) => a.cycleGroup(1),
    },
    {
      keys: ['['],
      label: 'prev group',
      description: 'Show the previous stream/group with pending entries',
      run: (a) => a.cycleGroup(-1),
    },
    ...COPY_KEYS,
    EXPORT_KEY,
  ],
  layers: [
    {
      // Opened with s; j/k move.
      id: 'picker',
      title: 'Stream/group picker (3)',
      component: GroupPicker,
      model: pickerModel,
      bindings: [
        {
          keys: ['enter'],
          label: 'show',
          description: "Show the highlighted group's pending entries",
          footer: true,
          run: (a) => a.openSelected(),
        },
        {
          keys: ['esc', 's'],
          label: 'close',
          description: 'Close the picker, keep the current group',
          footer: true,
          run: (a) => a.back(),
        },
      ],
    },
  ],
};
