/** The monitor UI's surface for cli/. */
export { App, type AppProps } from './components/App.js';
export { keymap, renderKeyTableMarkdown, handleKey, keyName } from './keymap.js';
export { sanitize } from './sanitize.js';
export { setThemeMode, detectThemeMode, type ThemeMode } from './theme.js';
