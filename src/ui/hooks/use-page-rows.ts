/**
 * The list (or text) on screen tells the store how many rows it shows, so pgup/pgdn move one
 * visible screen minus one row of overlap, whatever the terminal size. Reported after render
 * (an effect), only when it changes.
 */
import { useContext, useEffect } from 'react';
import { StoreContext } from './use-monitor.js';

export function usePageRows(rows: number): void {
  // Outside a store (a Table rendered on its own in a test) there is nothing to tell.
  const store = useContext(StoreContext);
  useEffect(() => {
    if (store && store.getState().ui.pageRows !== rows) store.act({ type: 'setPageRows', rows });
  }, [store, rows]);
}
