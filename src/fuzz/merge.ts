import { styleShape } from '../scenario/index.js';
import { BadFileError } from './file-schemas.js';
import { mergeSummaries, seedsOf, type SweepSummary } from './sweep.js';

/** The coordination a summary ran, as its recipe records it: orchestration is nothing, whether said or not. */
function coordinationKey(s: SweepSummary): string {
  return JSON.stringify(styleShape(s.coordination));
}

/** One shard output and the file it came from, for messages. */
export interface ShardFile {
  readonly file: string;
  readonly summary: SweepSummary;
}

/**
 * Merges the outputs of `saga fuzz --shard i/n` into the summary of the whole sweep, after
 * checking they are the shards of one sweep: the same seeds and defences, each shard once,
 * none missing, each run to its end. Anything else would print a confident verdict about
 * seeds nobody ran (or ran twice), so it is refused with what to do.
 */
export function mergeShards(shards: readonly ShardFile[]): SweepSummary {
  const [first, ...rest] = shards;
  if (!first) throw new BadFileError('saga fuzz merge needs the JSON files of the shards: saga fuzz merge a.json b.json ...');
  const same = (s: SweepSummary): boolean =>
    s.range.from === first.summary.range.from &&
    s.range.seeds === first.summary.range.seeds &&
    [...s.disabled].sort().join() === [...first.summary.disabled].sort().join() &&
    coordinationKey(s) === coordinationKey(first.summary);
  for (const s of rest) {
    if (!same(s.summary))
      throw new BadFileError(
        `${s.file} is from another sweep than ${first.file} (its seeds, its disabled defences or its style differ); merge the shards of one sweep.`,
      );
  }
  const unsharded = shards.find((s) => !s.summary.range.shard);
  if (unsharded && shards.length > 1)
    throw new BadFileError(`${unsharded.file} is a whole sweep, not a shard: it overlaps every other file.`);
  const count = first.summary.range.shard?.count ?? 1;
  const byIndex = new Map<number, string>();
  for (const s of shards) {
    const shard = s.summary.range.shard;
    if (shard && shard.count !== count)
      throw new BadFileError(`${s.file} is shard ${shard.index}/${shard.count}, but ${first.file} splits the sweep in ${count}.`);
    const index = shard?.index ?? 1;
    const earlier = byIndex.get(index);
    if (earlier) throw new BadFileError(`${s.file} and ${earlier} are both shard ${index}/${count}; give each shard once.`);
    byIndex.set(index, s.file);
    const expected = seedsOf(s.summary.range).length;
    if (s.summary.seedsRun !== expected)
      throw new BadFileError(
        `${s.file} ran ${s.summary.seedsRun} of its ${expected} seeds (it was stopped); finish it with the command it printed, then merge.`,
      );
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    // Which seeds the missing shards hold, so a user can tell what was not run.
    const range = shards[0]!.summary.range;
    const seeds = missing.flatMap((index) => seedsOf({ from: range.from, seeds: range.seeds, shard: { index, count } }));
    const shown = seeds.slice(0, 5).join(', ') + (seeds.length > 5 ? `, … (${seeds.length} seeds)` : '');
    const which = missing.map((i) => `${i}/${count}`).join(', ');
    throw new BadFileError(
      `${missing.length === 1 ? `Shard ${which} is` : `Shards ${which} are`} missing: seeds ${shown} were not run, so the sweep is not complete.`,
    );
  }
  return mergeSummaries(shards.map((s) => s.summary));
}
