/**
 * The copy effect: OSC 52 to the terminal, or — when the terminal is known not to support it —
 * the text written to `<state dir>/clipboard.txt` (`$XDG_STATE_HOME/streamscope/`, default
 * `~/.local/state/streamscope/`). Returns the notice to show.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { copyRoute, osc52Sequence } from '../core/osc52.js';

/** `$XDG_STATE_HOME/streamscope`, else `~/.local/state/streamscope`. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'streamscope');
}

export interface ClipboardIo {
  env: NodeJS.ProcessEnv;
  /** The terminal (the TUI's stdout). */
  out: { isTTY?: boolean; write(s: string): unknown };
}

export interface CopyOutcome {
  via: 'osc52' | 'file';
  /** The fallback file, when used. */
  path: string | null;
  /** For the notice line, e.g. `copied 1732694928060-0 (OSC 52)`. */
  notice: string;
}

/** Copy `text`; `what` names it in the notice (`entry ID`, `entry JSON`). Never throws. */
export function copyText(text: string, what: string, io: ClipboardIo): CopyOutcome {
  const route = copyRoute(text, io.env, io.out.isTTY === true);
  if (route.kind === 'osc52') {
    io.out.write(osc52Sequence(text));
    return { via: 'osc52', path: null, notice: `copied ${what} (OSC 52)` };
  }
  const dir = stateDir(io.env);
  const path = join(dir, 'clipboard.txt');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(path, text, { mode: 0o600 });
    return {
      via: 'file',
      path,
      notice: `not copied: ${route.reason}; ${what} written to ${path}`,
    };
  } catch (err) {
    return {
      via: 'file',
      path: null,
      notice: `not copied: ${route.reason}, and ${path} cannot be written (${(err as Error).message})`,
    };
  }
}
