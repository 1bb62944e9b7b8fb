/**
 * THE pane registry: one line per pane, in tab order. Tabs, number keys, the `?` sections, the
 * README key table, the App's render switch and the store's pane order all come from here.
 * Adding a pane: a folder ui/panes/<id>/ exporting a PaneDescriptor (see types.ts), and one line
 * in BUILT_IN below. Tests and plug-ins may add one at run time with registerPane.
 */
import { StreamscopeError } from '../../core/errors.js';
import { registerLayerModel } from '../../store/layers.js';
import { registerPaneModel } from '../../store/pane-models.js';
import { deadLettersPane } from './deadletters/index.js';
import { eventsPane } from './events/index.js';
import { groupsPane } from './groups/index.js';
import { pendingPane } from './pending/index.js';
import { streamsPane } from './streams-lag/index.js';
import type { PaneDescriptor, PaneLayer } from './types.js';

const BUILT_IN: readonly PaneDescriptor[] = [
  eventsPane,
  streamsPane,
  pendingPane,
  groupsPane,
  deadLettersPane,
];

const registered: PaneDescriptor[] = [];
/** Bumped on every change, so derived lists (the keymap) know to rebuild. */
let version = 0;

/** Add a pane after the others. Returns a function that removes it again (tests). */
export function registerPane(pane: PaneDescriptor): () => void {
  if (registered.some((p) => p.id === pane.id || p.key === pane.key))
    throw new StreamscopeError(
      'INVALID_ARGUMENT',
      `pane ${pane.id} (key ${pane.key}) clashes with a registered pane`,
    );
  const unregisterModel = registerPaneModel({ id: pane.id, ...pane.model });
  const unregisterLayers = (pane.layers ?? []).flatMap((l) =>
    l.model ? [registerLayerModel(l.id, l.model)] : [],
  );
  registered.push(pane);
  version++;
  return () => {
    unregisterModel();
    for (const u of unregisterLayers) u();
    const i = registered.indexOf(pane);
    if (i >= 0) registered.splice(i, 1);
    version++;
  };
}

for (const p of BUILT_IN) registerPane(p);

/** Every pane, in tab order. */
export function panes(): readonly PaneDescriptor[] {
  return registered;
}

export function registryVersion(): number {
  return version;
}

export function paneById(id: string): PaneDescriptor | undefined {
  return registered.find((p) => p.id === id);
}

/** Every pane-owned layer (the picker…), in pane order. */
export function paneLayers(): readonly PaneLayer[] {
  return registered.flatMap((p) => p.layers ?? []);
}

export type { PaneDescriptor, PaneLayer, PaneProps } from './types.js';
