/**
 * The list keys every table pane shares (panes 2–5): `/` filters its rows, `S` cycles its sort.
 * A pane lists them in its bindings; the pane's model declares the sort options (`sorts`).
 */
import type { BindingSpec } from '../bindings.js';

export const SORT_KEY: BindingSpec = {
  keys: ['S'],
  label: 'sort',
  description: 'Sort by the next column (the header shows ▾/▴; the first order is worst first)',
  run: (a) => a.cycleSort(),
};

export const FILTER_KEY: BindingSpec = {
  keys: ['/'],
  label: 'filter',
  description: 'Filter the rows: text, type:<t> (with * wildcards) or /regex/; ctrl+u clears',
  footer: true,
  run: (a) => a.startFilter(),
};

/** `y`, `Y`, `e`: copy the selected entry's ID / JSON (OSC 52), export entries to NDJSON. */
export const COPY_KEYS: readonly BindingSpec[] = [
  {
    keys: ['y'],
    label: 'copy ID',
    description:
      'Copy the selected entry ID (OSC 52; else to a file under the state dir, the notice says where)',
    run: (a) => a.copySelected('id'),
  },
  {
    keys: ['Y'],
    label: 'copy JSON',
    description: 'Copy the selected entry as JSON: id, stream, raw fields, decoded event or null',
    run: (a) => a.copySelected('json'),
  },
];

export const EXPORT_KEY: BindingSpec = {
  keys: ['e'],
  label: 'export',
  description:
    'Export to NDJSON under the state dir: pane 1 what the filter leaves, panes 3 and 5 the marked (else listed) entries',
  run: (a) => a.exportRows(),
};
