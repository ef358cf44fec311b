/** Where the CLI writes, and what it reads of its environment; tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal (progress bars only there). */
  readonly isTTY?: boolean;
  /** The width of the terminal stdout writes to, when it is one. */
  readonly columns?: number;
}

/** How wide output may be: the terminal's width, or COLUMNS when set (e.g. when piped); unlimited when neither says. */
export function outputWidth(io: CliIo): number {
  const fromEnv = Number(io.env.COLUMNS);
  return io.columns ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Infinity);
}

export const PROCESS_IO: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  isTTY: process.stderr.isTTY,
  ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}),
};
