/** The monitor store's public surface for ui/ and cli/. */
export * from './state.js';
export * from './actions.js';
export * from './selectors.js';
export * from './layers.js';
export { reduce, reduceAll } from './reducers.js';
export {
  createMonitorStore,
  type MonitorStore,
  type MonitorActions,
  type MonitorStoreOptions,
  type Timers,
} from './create-store.js';
