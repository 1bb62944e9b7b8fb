/**
 * Ink 6 keeps a module-level `Map` in `ink/build/measure-text.js` from every distinct text it has
 * laid out to its size, and never evicts. A live monitor renders new row strings all the time
 * (about 300 per second under load), so that map grows by ~70 MB per 300,000 rows — hundreds of
 * MB over a long session. We bound it without patching node_modules: import that module (the same
 * instance Ink uses: same file URL), measure one probe text while `Map.prototype.set` is briefly
 * wrapped to learn which Map stores it, and give that one Map an own `set` that clears it when it
 * passes MAX_ENTRIES (Ink recomputes sizes on the next frame; the cost is one widestLine per
 * visible line). An earlier version rewrote the module's source in a loader hook, but a hook
 * sends every later module load through a hooks thread, which doubled the monitor's start-up CPU.
 * If a future Ink changes the file so the probe finds no Map, nothing is changed and the monitor
 * still works (only unbounded again).
 */
export const MAX_ENTRIES = 5000;

let bounded = false;

/** Bound Ink's text-size cache; true when it was found and bounded. Idempotent. */
export async function boundInkTextCache(): Promise<boolean> {
  if (bounded) return true;
  let measure: unknown;
  try {
    // ink's "exports" hides its files; its entry point sits beside measure-text.js in build/.
    const url = new URL('./measure-text.js', import.meta.resolve('ink'));
    measure = ((await import(url.href)) as { default?: unknown }).default;
  } catch {
    return false;
  }
  if (typeof measure !== 'function') return false;
  const probe = `streamscope cache probe ${Math.random()}`;
  const mapSet = Map.prototype.set;
  const storing: Map<unknown, unknown>[] = []; // the Map(s) that stored the probe
  Map.prototype.set = function (this: Map<unknown, unknown>, key: unknown, value: unknown) {
    if (key === probe) storing.push(this);
    return mapSet.call(this, key, value);
  };
  try {
    (measure as (text: string) => unknown)(probe);
  } finally {
    Map.prototype.set = mapSet;
  }
  const found = storing.length === 1 ? storing[0] : null;
  if (!found) return false;
  found.delete(probe);
  Object.defineProperty(found, 'set', {
    value(this: Map<unknown, unknown>, key: unknown, value: unknown) {
      if (this.size >= MAX_ENTRIES) this.clear();
      return mapSet.call(this, key, value);
    },
  });
  bounded = true;
  return true;
}
