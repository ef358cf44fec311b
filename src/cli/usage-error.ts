import { UserError } from '../kernel/index.js';

/** Bad input from the user: printed as one sentence, exit code 2, never a stack trace. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses a whole number option, or says which option was wrong and what it takes. */
export function parseWholeNumber(option: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${option} takes a whole number from ${min} to ${max}, not '${value}'.`);
  }
  return n;
}
