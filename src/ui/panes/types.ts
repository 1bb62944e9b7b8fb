/**
 * A pane is one folder under ui/panes/<id>/ exporting one PaneDescriptor; registry.ts lists
 * them. Everything pane-specific lives in the descriptor: tabs, number keys, the `?` sections,
 * the README key table and the App's render switch are all derived from the registry.
 */
import type { ReactNode } from 'react';
import type { PaneModel } from '../../store/pane-models.js';
import type { LayerId, LayerModel } from '../../store/layers.js';
import type { BindingSpec } from '../bindings.js';

export interface PaneProps {
  /** Terminal columns the pane may use. */
  width: number;
  /** Rows the pane may use, its title line included. */
  height: number;
}

/**
 * An overlay a pane owns (pane 3's stream/group picker). It is open while `ui.layers` holds its
 * id (a reducer pushes it: store/layers.ts); on top, it gets the keys and is drawn.
 */
export interface PaneLayer {
  /** Layer id and key context, e.g. 'picker' (its data type is LayerData[id]). */
  id: LayerId;
  /** Section title in `?` and the README, e.g. 'Stream/group picker (3)'. */
  title: string;
  /** `screen` (default): drawn instead of the pane; `dialog`: drawn below the pane, like confirm. */
  placement?: 'screen' | 'dialog';
  /** A dialog's rows below the pane, border included (default 8). */
  dialogRows?: number;
  component(props: PaneProps): ReactNode;
  bindings: readonly BindingSpec[];
  /** What j/k, enter and esc do while it is on top (absent: nothing; esc pops it). */
  model?: LayerModel<LayerId>;
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
