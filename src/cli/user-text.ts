/** Longer than this, a value the user typed is cut when echoed back. */
const MAX_ECHO = 60;

/**
 * A value a user typed, safe to echo in a message: in quotes, control characters escaped
 * (so none reaches the terminal raw), and cut to a readable length.
 */
export function quote(value: string, max = MAX_ECHO): string {
  // eslint-disable-next-line no-control-regex
  const escaped = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  const cut = escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
  return `'${cut}'`;
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

/** `1 saga`, `2 sagas`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

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
