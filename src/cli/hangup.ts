// Shared by the monitor and the demo: leaving after the terminal hung up.

/**
 * End the process the way a hangup does, without the exit path that touches the dead tty:
 * re-raise SIGHUP with its default action (the shell sees status 129).
 */
export function exitAfterHangup(): void {
  // Other SIGHUP listeners (signal-exit, loaded by Ink's cli-cursor) would write to the dead tty.
  process.removeAllListeners('SIGHUP');
  process.kill(process.pid, 'SIGHUP');
  // Not reached unless the signal is blocked; exit anyway rather than linger.
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), 1000);
}
