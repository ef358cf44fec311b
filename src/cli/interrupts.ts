import type { CliIo, Interrupt } from './cli-io.js';
import type { Progress } from './progress.js';

/** Ctrl-C or SIGTERM heard while a long command runs: it finishes the piece in hand, then reports what it did. */
export interface Interrupts {
  /** The signal heard, or null. */
  readonly heard: Interrupt | null;
  /** Stops listening (the default handling of signals comes back). */
  stop(): void;
}

export function listenForInterrupts(io: CliIo, progress: Progress, doing: string): Interrupts {
  let heard: Interrupt | null = null;
  const stop = io.onInterrupt?.((signal) => {
    progress.end();
    if (!heard) io.err(`${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping after the ${doing} in progress…\n`);
    heard ??= signal;
  });
  return {
    get heard() {
      return heard;
    },
    stop: () => stop?.(),
  };
}
