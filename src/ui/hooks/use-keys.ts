/**
 * Ink's useInput, with one repair: `esc` pressed just before another key. A terminal sends esc
 * as a lone `\x1b`; when the next key follows within the same read (a quick typist, tmux
 * send-keys, a paste), Ink's parser takes the pair as one alt+key and drops the esc: `esc` then
 * `:` reached us as a plain `:` (no modifier even), so an open `:` line got a `:` typed into it
 * instead of closing, and a closed one did not open. The raw input event is seen first (a
 * prepended listener on Ink's input emitter) and such a pair is handed on as esc, then the key.
 * Nothing is bound to alt+key, so nothing is lost by reading it as two keys.
 */
import { useEffect, useRef } from 'react';
import { useInput, useStdin, type Key } from 'ink';

/** `\x1b` + one printable character that starts no escape sequence: the key after esc, else null. */
export function keyAfterEscape(raw: string): string | null {
  if (raw.length < 2 || raw[0] !== '\x1b') return null;
  const rest = raw.slice(1);
  if ([...rest].length !== 1) return null;
  // `[` and `O` begin CSI / SS3 sequences (arrows, function keys): never split those.
  if (rest === '[' || rest === 'O' || /[\x00-\x1f\x7f]/.test(rest)) return null;
  return rest;
}

const ESCAPE = { escape: true } as Key;
const PLAIN = {} as Key;

export function useKeys(handler: (input: string, key: Key) => void): void {
  const { internal_eventEmitter: emitter } = useStdin();
  const after = useRef<string | null>(null);
  useEffect(() => {
    if (!emitter) return;
    const onRaw = (raw: string) => {
      after.current = typeof raw === 'string' ? keyAfterEscape(raw) : null;
    };
    // Before useInput's own listener, whatever order the effects subscribe in.
    emitter.prependListener('input', onRaw);
    return () => {
      emitter.removeListener('input', onRaw);
    };
  }, [emitter]);
  useInput((input, key) => {
    const next = after.current;
    after.current = null;
    if (next === null) return handler(input, key);
    handler('', ESCAPE);
    handler(next, PLAIN);
  });
}
