/**
 * Exit codes, the same for every command, so a user's CI can tell a broken saga from a
 * broken tool: 0 every invariant held, 1 something was violated (for `replay`: the violation
 * still reproduces), 2 the command was used wrongly or given bad input, 3 the tool itself
 * failed; 130 and 143 when Ctrl-C or SIGTERM stopped it, after it reported what it had done.
 */
export const EXIT = Object.freeze({ held: 0, violated: 1, usage: 2, failed: 3, interrupted: 130, terminated: 143 });
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code after an interrupt, as shells report a process ended by that signal. */
export function interruptExit(signal: 'SIGINT' | 'SIGTERM'): ExitCode {
  return signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated;
}
