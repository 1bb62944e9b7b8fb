/**
 * Ink 6 keeps a module-level `Map` in `ink/build/measure-text.js` from every distinct text it has
 * laid out to its size, and never evicts. A live monitor renders new row strings all the time
 * (about 300 per second under load), so that map grows by ~70 MB per 300,000 rows — hundreds of
 * MB over a long session. We bound it by rewriting that one module as it is loaded (a Node
 * module loader hook), instead of patching node_modules: when the map passes MAX_ENTRIES it is
 * cleared (Ink recomputes sizes on the next frame; the cost is one widestLine per visible line).
 * If a future Ink changes the file so the pattern no longer matches, the source is left as it
 * is and the monitor still works (only unbounded again).
 */
export const MAX_ENTRIES = 5000;
const TARGET = /\/ink\/build\/measure-text\.js$/;
const SET_CALL = 'cache.set(text, dimensions);';

export function isInkMeasureText(url: string): boolean {
  return TARGET.test(url);
}

/** The module source with a bounded cache, or the source unchanged when the pattern is absent. */
export function boundMeasureTextCache(source: string): string {
  if (!source.includes('const cache = new Map();') || !source.includes(SET_CALL)) return source;
  return source.replace(
    SET_CALL,
    `if (cache.size >= ${MAX_ENTRIES}) cache.clear();\n    ${SET_CALL}`,
  );
}
