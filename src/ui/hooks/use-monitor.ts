/** React's view of the monitor store: a context holding it and small selector hooks. */
import { StreamscopeError } from '../../core/errors.js';
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { MonitorStore } from '../../store/create-store.js';
import type { MonitorState } from '../../store/state.js';

export const StoreContext = createContext<MonitorStore | null>(null);

export function useMonitorStore(): MonitorStore {
  const s = useContext(StoreContext);
  if (!s)
    throw new StreamscopeError(
      'INVALID_ARGUMENT',
      'useMonitorStore outside <StoreContext.Provider>',
    );
  return s;
}

/** A slice of the state; re-renders only when it changes (Object.is). */
export function useMonitor<T>(selector: (s: MonitorState) => T): T {
  return useStore(useMonitorStore().api, selector);
}

/** A slice built as a fresh object/array each time; compared shallowly. */
export function useMonitorShallow<T>(selector: (s: MonitorState) => T): T {
  return useStore(useMonitorStore().api, useShallow(selector));
}
