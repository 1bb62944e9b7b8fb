/**
 * Ink's `restore-cursor` dependency registers an exit hook that writes "show cursor" (`ESC[?25h`)
 * to **stderr**, whatever Ink drew on. With `2>monitor.log` that leaves six bytes of escape
 * sequence in the log on every exit, and a script checking "stderr is empty" sees an error that
 * is not one. The hook cannot be unregistered (restore-cursor keeps no handle), so when stderr is
 * not a terminal we drop exactly that write there and, if stdout is the terminal, show the cursor
 * on stdout at exit instead — the safety net still works, on the screen it belongs to.
 */
export const SHOW_CURSOR = '\u001B[?25h';

type Stream = Pick<NodeJS.WriteStream, 'isTTY' | 'write'>;

/** Keep the cursor-restore escape out of a redirected stderr. Returns true when installed. */
export function keepCursorRestoreOnTerminal(
  stderr: Stream = process.stderr,
  stdout: Stream = process.stdout,
  onExit: (hook: () => void) => void = (hook) => process.on('exit', hook),
): boolean {
  if (stderr.isTTY) return false;
  const write = stderr.write.bind(stderr) as (...args: unknown[]) => boolean;
  stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
    chunk === SHOW_CURSOR ? true : write(chunk, ...rest)) as Stream['write'];
  if (stdout.isTTY) onExit(() => void stdout.write(SHOW_CURSOR));
  return true;
}
