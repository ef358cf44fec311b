import { DEFENCE_NAMES, defenceFlag, parseDefence, type DefenceName } from '../defences/index.js';
import { COMPENSATORS, STYLES, type Compensator, type Style } from '../protocol/index.js';
import type { Coordination } from '../world/index.js';
import { parseWholeNumber, UsageError } from './usage-error.js';
import { closest, quote } from './user-text.js';

/** Seeds are 32-bit: every range a command runs, from its first seed to its last, stays below this. */
export const MAX_SEED = 2 ** 32 - 1;

export function parseSeed(value: string): number {
  return parseWholeNumber('--seed', value, 0, MAX_SEED);
}

export function parseStorage(value: string): 'memory' | 'file' {
  if (value !== 'memory' && value !== 'file') throw new UsageError(`--storage takes 'file' or 'memory', not ${quote(value)}.`);
  return value;
}

/** A name the user gave that is not among `known`: one sentence, with the likely one if it was a typo. */
export function unknownName(what: string, given: string, known: readonly string[], listCommand?: string): UsageError {
  const guess = closest(given, known);
  const hint = guess ? ` Did you mean '${guess}'?` : '';
  const list = listCommand ? ` Run '${listCommand}' for the list.` : ` Known: ${known.join(', ')}.`;
  return new UsageError(`Unknown ${what} ${quote(given)}.${hint}${list}`);
}

/** `--disable a,b --disable c` → the set of defences named: each known, none empty, none twice. */
export function parseDisabled(values: readonly string[] | undefined): DefenceName[] {
  const flags = (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
  const known = DEFENCE_NAMES.map(defenceFlag);
  const names: DefenceName[] = [];
  for (const flag of flags) {
    if (flag === '')
      throw new UsageError(`--disable has an empty entry; give defence names separated by commas, e.g. --disable outbox,timeouts.`);
    const name = parseDefence(flag);
    if (!name) throw unknownName('defence', flag, known);
    if (names.includes(name)) throw new UsageError(`--disable names ${flag} twice; name each defence once.`);
    names.push(name);
  }
  return names;
}

/** Commander's collector for a repeatable option. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A parser for an option that takes one value: given twice, it is refused instead of the last silently winning. */
export function once(flag: string): (value: string) => string {
  let given = false;
  return (value) => {
    if (given) throw new UsageError(`${flag} was given more than once; give it once.`);
    given = true;
    return value;
  };
}

/** The refusal of an option that reads or draws the orchestrator's sagas, given with another style. */
export function orchestratorOnly(flag: string): UsageError {
  return new UsageError(`${flag} reads the orchestrator's sagas and works with --style orchestration only; drop one of them.`);
}

/** `--style` and `--compensator`, checked: undefined for the default, orchestration. */
export function parseCoordination(style: string | undefined, compensator: string | undefined): Coordination | undefined {
  if (style !== undefined && !STYLES.includes(style as Style)) throw unknownName('style', style, STYLES);
  if (compensator !== undefined && style !== 'choreography')
    throw new UsageError('--compensator chooses who undoes a choreographed saga; give it with --style choreography.');
  if (compensator !== undefined && !COMPENSATORS.includes(compensator as Compensator))
    throw unknownName('compensator', compensator, COMPENSATORS);
  if (style === undefined || style === 'orchestration') return undefined;
  return { style: style as Style, compensator: (compensator ?? 'janitor') as Compensator };
}
