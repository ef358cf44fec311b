import { DEFENCE_NAMES, defenceFlag, parseDefence, type DefenceName } from '../defences/index.js';
import { parseWholeNumber, UsageError } from './usage-error.js';

const MAX_SEED = 2 ** 32 - 1;

export function parseSeed(value: string): number {
  return parseWholeNumber('--seed', value, 0, MAX_SEED);
}

export function parseStorage(value: string): 'memory' | 'file' {
  if (value !== 'memory' && value !== 'file') throw new UsageError(`--storage takes 'file' or 'memory', not '${value}'.`);
  return value;
}

/** `--disable a,b --disable c` → the defences named, each checked. */
export function parseDisabled(values: readonly string[] | undefined): DefenceName[] {
  const names = (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  return names.map((flag) => {
    const name = parseDefence(flag);
    if (!name) throw new UsageError(`Unknown defence '${flag}'. Known defences: ${DEFENCE_NAMES.map(defenceFlag).join(', ')}.`);
    return name;
  });
}

/** Commander's collector for a repeatable option. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
