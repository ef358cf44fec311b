import { EXIT } from './exit-codes.js';
/** Where the CLI writes, and what it reads of its environment; tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal (progress bars only there). */
  readonly isTTY?: boolean;
  /** The folder the command runs in (the process's own when absent). */
  readonly cwd?: string;
  /** The width of the terminal stdout writes to, when it is one. */
  readonly columns?: number;
  /** The next key a person presses, when both input and output are a terminal (absent otherwise): a lesson waits for it. */
  readKey?(): Promise<string>;
  /** Calls `handler` on Ctrl-C (SIGINT) or SIGTERM instead of dying at once; returns the function that stops listening. */
  onInterrupt?(handler: (signal: Interrupt) => void): () => void;
}

export type Interrupt = 'SIGINT' | 'SIGTERM';

/** How wide output may be: the terminal's width, or COLUMNS when set (e.g. when piped); unlimited when neither says. */
export function outputWidth(io: CliIo): number {
  const fromEnv = Number(io.env.COLUMNS);
  // Some pseudo-terminals (CI runners, `script`) report 0 columns: that is no width at all, so COLUMNS decides.
  if (io.columns !== undefined && io.columns > 0) return io.columns;
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Infinity;
}

/**
 * The process's own streams and signals. A reader that goes away (`saga run --trace | head`)
 * ends the output quietly: the rest is not written, and no EPIPE error surfaces. Output that
 * cannot be written for another reason (a full disk) is the tool failing: one line on
 * stderr, and exit code 3 whatever the command concluded.
 */
export function processIo(): CliIo {
  let readerGone = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    readerGone = true;
    if (error.code === 'EPIPE') return;
    process.stderr.write(`saga failed: could not write the output (${error.code ?? error.message}); nothing more was written.\n`);
    process.exitCode = EXIT.failed;
  });
  return {
    out: (text) => void (readerGone || process.stdout.write(text)),
    err: (text) => void process.stderr.write(text),
    env: process.env,
    isTTY: process.stderr.isTTY,
    ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}),
    ...(process.stdin.isTTY && process.stdout.isTTY ? { readKey } : {}),
    onInterrupt: (handler) => {
      const listeners = (['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, () => handler(signal)] as const);
      for (const [signal, f] of listeners) process.on(signal, f);
      return () => listeners.forEach(([signal, f]) => process.off(signal, f));
    },
  };
}

/** One key from the terminal, read raw (Enter, q, Ctrl-C as \u0003), the terminal left as it was after. */
function readKey(): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve) => {
    stdin.setRawMode(true);
    stdin.resume();
    stdin.once('data', (data: Buffer) => {
      stdin.setRawMode(false);
      stdin.pause();
      resolve(data.toString('utf8'));
    });
  });
}
