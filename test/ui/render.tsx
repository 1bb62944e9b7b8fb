/** Render the App at a fixed size with a store fed by hand-built messages. */
import { render } from 'ink-testing-library';
import { vi } from 'vitest';
import { App } from '../../src/ui/components/App.js';
import {
  createMonitorStore,
  type MonitorStore,
  type Timers,
} from '../../src/store/create-store.js';
import { defaultConfig, type MonitorConfig } from '../../src/store/state.js';
import type { MonitorMessage } from '../../src/core/messages.js';
import { setThemeMode } from '../../src/ui/theme.js';
import { T0 } from '../store/build.js';

export const NO_TIMERS: Timers = {
  setTimeout: () => null,
  clearTimeout: () => {},
  setInterval: () => null,
  clearInterval: () => {},
};

export interface Mounted {
  store: MonitorStore;
  app: { lastFrame(): string | undefined; unmount(): void; stdin: { write(data: string): void } };
  commands: { run: ReturnType<typeof vi.fn> };
  queries: { loadPendingPage: ReturnType<typeof vi.fn>; loadEntry: ReturnType<typeof vi.fn> };
}

export function mount(
  messages: MonitorMessage[],
  config: Partial<MonitorConfig> = {},
  size = { width: 80, height: 23 },
): Mounted {
  setThemeMode('plain');
  const commands = {
    readOnly: !!config.readOnly,
    readOnlyReason: config.readOnlyReason ?? null,
    run: vi.fn(async () => {}),
  };
  const queries = { loadPendingPage: vi.fn(async () => {}), loadEntry: vi.fn(async () => {}) };
  const store = createMonitorStore({
    config: defaultConfig({ url: 'redis://127.0.0.1:6379', ...config }),
    commands,
    queries,
    timers: NO_TIMERS,
    now: () => T0 + 400,
  });
  for (const m of messages) store.dispatch(m);
  store.flush();
  const app = render(<App store={store} width={size.width} height={size.height} />);
  return { store, app, commands, queries };
}

export const connected = (loop: 'tail' | 'poller'): MonitorMessage => ({
  type: 'ConnectionChanged',
  loop,
  state: 'connected',
  attempt: 0,
  error: null,
  at: T0,
});

/** Let React commit what the store changed. */
export const settle = () => new Promise((r) => setTimeout(r, 10));

/** Frame lines without trailing spaces (exact text otherwise). */
export function lines(m: Mounted): string[] {
  return (m.app.lastFrame() ?? '').split('\n').map((l) => l.trimEnd());
}
