/**
 * Copy to the clipboard with OSC 52 (`ESC ] 52 ; c ; <base64> BEL`): the terminal sets the
 * clipboard of the machine it runs on, so it works over ssh and inside tmux (with tmux's
 * `set-clipboard` on or external, the default). Pure: the sequence and whether to use it.
 */

/** Terminals cap OSC 52 payloads (xterm ~100 kB, some far less): beyond this, use the file. */
export const OSC52_MAX_BYTES = 74_000;

export function osc52Sequence(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}

export type CopyRoute = { kind: 'osc52' } | { kind: 'file'; reason: string };

/**
 * How to copy `text`: by OSC 52 unless the terminal is known not to support it (then a file
 * under the state dir, and the notice says why). `STREAMSCOPE_CLIPBOARD=file` forces the file,
 * `=osc52` forces the sequence.
 */
export function copyRoute(text: string, env: NodeJS.ProcessEnv, isTty: boolean): CopyRoute {
  const forced = env.STREAMSCOPE_CLIPBOARD;
  if (forced === 'osc52') return { kind: 'osc52' };
  if (forced === 'file') return { kind: 'file', reason: 'STREAMSCOPE_CLIPBOARD=file' };
  if (!isTty) return { kind: 'file', reason: 'output is not a terminal' };
  if (Buffer.byteLength(text, 'utf8') > OSC52_MAX_BYTES)
    return { kind: 'file', reason: 'too long for OSC 52' };
  const term = env.TERM ?? '';
  if (term === 'dumb' || term === 'linux')
    return { kind: 'file', reason: `TERM=${term} has no OSC 52` };
  if (env.TERM_PROGRAM === 'Apple_Terminal')
    return { kind: 'file', reason: 'Terminal.app has no OSC 52' };
  // GNOME Terminal, Tilix and other VTE terminals ignore OSC 52 (unless inside tmux, which handles it).
  if (env.VTE_VERSION && !env.TMUX) return { kind: 'file', reason: 'VTE terminals have no OSC 52' };
  return { kind: 'osc52' };
}
