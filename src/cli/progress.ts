import type { CliIo } from './cli-io.js';

/** A line on stderr that rewrites itself, shown only on a terminal and never in --json or piped output. */
export interface Progress {
  show(line: string): void;
  /** Ends the line, so what follows starts on a fresh one. */
  end(): void;
}

export function makeProgress(io: CliIo, json: boolean): Progress {
  const enabled = io.isTTY === true && !json;
  let shown = false;
  return {
    show: (line) => {
      if (!enabled) return;
      io.err(`\r${line}\u001b[K`);
      shown = true;
    },
    end: () => {
      if (shown) io.err('\n');
      shown = false;
    },
  };
}
