/** Where the CLI writes, and what it reads of its environment; tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal (progress bars only there). */
  readonly isTTY?: boolean;
}

export const PROCESS_IO: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  isTTY: process.stderr.isTTY,
};
