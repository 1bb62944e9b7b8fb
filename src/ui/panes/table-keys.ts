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
