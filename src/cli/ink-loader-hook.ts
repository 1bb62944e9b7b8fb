// Module loader hook (registered by main.ts before Ink is imported): see ink-cache-bound.ts.
import { boundMeasureTextCache, isInkMeasureText } from './ink-cache-bound.js';

interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | ArrayBufferView | null;
  shortCircuit?: boolean;
}

type NextLoad = (url: string, context: unknown) => Promise<LoadResult>;

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  if (!isInkMeasureText(url) || result.source == null) return result;
  const text =
    typeof result.source === 'string'
      ? result.source
      : Buffer.from(
          result.source instanceof ArrayBuffer
            ? new Uint8Array(result.source)
            : (result.source as Uint8Array),
        ).toString('utf8');
  return { ...result, source: boundMeasureTextCache(text) };
}
