import { DEFENCE_NAMES, defenceFlag, type DefenceName, type Defences } from '../defences/index.js';
import type { Compensator, Style } from '../protocol/index.js';

/** How a command's sagas are coordinated, when not orchestrated; in choreography, who compensates when not the janitor. */
interface StyleShape {
  readonly style?: Style;
  readonly compensator?: Compensator;
}

/** What shapes a run beyond its scenario and seed; absent fields are the scenario's own. */
interface RunShape extends StyleShape {
  readonly seed: number;
  readonly orders?: number;
  readonly stock?: number;
  /** The fault profile laid over the scenario's own, by name. */
  readonly faults?: string;
  readonly disabled: readonly DefenceName[];
}

/**
 * How to get exactly this result again, as data: every result carries one, `--json` includes
 * it, and `formatRecipe` is the one place that turns it into the `replay:` line.
 */
export type Recipe =
  | ({ readonly command: 'run'; readonly scenario: string } & RunShape)
  | ({ readonly command: 'run-all' } & RunShape)
  | ({ readonly command: 'crash-matrix'; readonly seed: number; readonly disabled: readonly DefenceName[] } & StyleShape)
  | ({ readonly command: 'ab'; readonly seed: number; readonly disabled: readonly DefenceName[] } & StyleShape)
  | ({
      readonly command: 'fuzz';
      readonly from: number;
      readonly seeds: number;
      readonly shard?: { readonly index: number; readonly count: number };
      readonly disabled: readonly DefenceName[];
    } & StyleShape)
  | { readonly command: 'replay'; readonly file: string; readonly trace?: boolean }
  | {
      readonly command: 'bench';
      readonly orders: number;
      readonly storage: 'memory' | 'file';
      /** One style, or each in turn (`all`). */
      readonly style?: Style | 'all';
      readonly compensator?: Compensator;
    }
  | { readonly command: 'bench-fuzz'; readonly seeds: number }
  /** One scenario, or the whole catalogue without one, under every style. */
  | { readonly command: 'compare'; readonly scenario?: string; readonly seed: number };

/** The defences switched off, in their canonical order. */
export function disabledOf(defences: Defences): DefenceName[] {
  return DEFENCE_NAMES.filter((n) => !defences[n]);
}

/** The command line that reproduces a recipe, e.g. `npx saga run --scenario crash-mid-payment --seed 7`. */
export function formatRecipe(r: Recipe): string {
  const words = ['npx', 'saga'];
  const disable = (d: readonly DefenceName[]): string[] => (d.length ? ['--disable', d.map(defenceFlag).join(',')] : []);
  switch (r.command) {
    case 'run':
    case 'run-all':
      words.push('run', ...(r.command === 'run' ? ['--scenario', r.scenario] : ['--all']), '--seed', String(r.seed));
      if (r.orders !== undefined) words.push('--orders', String(r.orders));
      if (r.stock !== undefined) words.push('--stock', String(r.stock));
      if (r.faults !== undefined) words.push('--faults', r.faults);
      words.push(...disable(r.disabled), ...styleWords(r));
      break;
    case 'crash-matrix':
    case 'ab':
      words.push(
        r.command,
        ...(r.command === 'ab' ? disable(r.disabled) : []),
        '--seed',
        String(r.seed),
        ...(r.command === 'crash-matrix' ? disable(r.disabled) : []),
        ...styleWords(r),
      );
      break;
    case 'fuzz':
      words.push('fuzz', '--from', String(r.from), '--seeds', String(r.seeds));
      if (r.shard) words.push('--shard', `${r.shard.index}/${r.shard.count}`);
      words.push(...disable(r.disabled), ...styleWords(r));
      break;
    case 'replay':
      words.push('replay', r.file, ...(r.trace ? ['--trace'] : []));
      break;
    case 'bench':
      words.push('bench', '--orders', String(r.orders), '--storage', r.storage, ...styleWords(r));
      break;
    case 'bench-fuzz':
      words.push('bench', '--fuzz', '--seeds', String(r.seeds));
      break;
    case 'compare':
      words.push('compare', ...(r.scenario === undefined ? ['--all'] : ['--scenario', r.scenario]), '--seed', String(r.seed));
      break;
  }
  return words.join(' ');
}

/** How the run a recipe makes coordinates its sagas (orchestration for every command that has no choice). */
export function coordinationOf(r: Recipe): { readonly style: Style; readonly compensator: Compensator } {
  const shaped = r as { readonly style?: Style | 'all'; readonly compensator?: Compensator };
  // A bench of every style is no one run: its recipe stands for none in particular.
  const style = shaped.style === undefined || shaped.style === 'all' ? 'orchestration' : shaped.style;
  return { style, compensator: shaped.compensator ?? 'janitor' };
}

/** A recipe's record of a coordination: nothing for orchestration, and the compensator only when not the janitor. */
export function styleShape(how: { readonly style: Style; readonly compensator: Compensator } | undefined): StyleShape {
  if (how === undefined || how.style === 'orchestration') return {};
  return { style: how.style, ...(how.compensator === 'services' ? { compensator: how.compensator } : {}) };
}

/** The words that choose a run's coordination, none for the default (orchestration). */
function styleWords(r: { readonly style?: Style | 'all'; readonly compensator?: Compensator }): string[] {
  if (r.style === undefined || r.style === 'orchestration') return [];
  return ['--style', r.style, ...(r.compensator === 'services' ? ['--compensator', 'services'] : [])];
}

/** The line every report ends with. */
export function replayLine(r: Recipe): string {
  return `replay: ${formatRecipe(r)}`;
}
