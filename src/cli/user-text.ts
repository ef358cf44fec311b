import type { Coordination } from '../world/index.js';

/** ', choreography (janitor compensates)', ', two-phase commit': how a header names a style that is not the default; nothing for orchestration. */
export function styleNote(how: Coordination | undefined): string {
  if (!how || how.style === 'orchestration') return '';
  return how.style === '2pc' ? ', two-phase commit' : `, ${how.style} (${how.compensator} compensates)`;
}

/** Longer than this, a value the user typed is cut when echoed back. */
const MAX_ECHO = 60;

/**
 * A value a user typed, safe to echo in a message: in quotes, control characters escaped
 * (so none reaches the terminal raw), and cut to a readable length.
 */
export function quote(value: string, max = MAX_ECHO): string {
  const escaped = escapeControls(value);
  const cut = escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
  return `'${cut}'`;
}

/** Longer than this, a run of characters without a space is cut in an error message (a path fits; a pasted blob does not). */
const MAX_WORD = 160;

/**
 * An error message, safe to print on one line whatever it echoes (commander's, a file's
 * path, a value read from a file): control characters escaped, overlong words cut.
 */
export function printable(message: string): string {
  return escapeControls(message).replace(new RegExp(`\\S{${MAX_WORD},}`, 'g'), (word) => `${word.slice(0, MAX_WORD - 1)}…`);
}

function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** The known name a typo most likely meant: the nearest by edit distance, if it is near enough. */
export function closest(name: string, known: readonly string[]): string | undefined {
  if (name.length > 2 * MAX_ECHO) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

export { plural } from '../kernel/index.js';

/** Levenshtein distance, two rows at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
