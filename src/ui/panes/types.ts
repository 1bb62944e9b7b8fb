/**
 * A pane is one folder under ui/panes/<id>/ exporting one PaneDescriptor; registry.ts lists
 * them. Everything pane-specific lives in the descriptor: tabs, number keys, the `?` sections,
 * the README key table and the App's render switch are all derived from the registry.
 */
import type { ReactNode } from 'react';
import type { PaneModel } from '../../store/pane-models.js';
import type { MonitorState } from '../../store/state.js';
import type { BindingSpec } from '../bindings.js';

export interface PaneProps {
  /** Terminal columns the pane may use. */
  width: number;
  /** Rows the pane may use, its title line included. */
  height: number;
}

/** An overlay a pane owns (pane 3's stream/group picker): its keys win while it is open. */
export interface PaneLayer {
  /** Key context id, e.g. 'picker'. */
  id: string;
  /** Section title in `?` and the README, e.g. 'Stream/group picker (3)'. */
  title: string;
  /** True while the layer is open (it is then drawn instead of the pane). */
  isOpen(state: MonitorState): boolean;
  component(props: PaneProps): ReactNode;
  bindings: readonly BindingSpec[];
}

export interface PaneDescriptor {
  /** `ui.pane` value and key context, e.g. 'pending'. */
  id: string;
  /** The number key that shows it ('1'…'9'). */
  key: string;
  /** Full title, for `?` ("3 Pending entries") and the number key's description. */
  title: string;
  /** Short title for the tab bar ("3 Pending"); default: title. */
  tab?: string;
  component(props: PaneProps): ReactNode;
  /** Keys that act only in this pane. */
  bindings: readonly BindingSpec[];
  /** Store side: selection moves, enter, esc, what showing it loads. */
  model: Omit<PaneModel, 'id'>;
  layers?: readonly PaneLayer[];
}
