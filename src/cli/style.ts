import chalk, { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';

/** Chalk, switched off when NO_COLOR is set (chalk itself only looks at the terminal). */
export function makeStyle(env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '' ? new Chalk({ level: 0 }) : chalk;
}

/**
 * A table without cli-table3's own colours, so NO_COLOR output is plain text. With column
 * widths and the width of the output, the prose columns (`flexible`: by default the widest,
 * a detail or a description) give way until the table fits, and their text wraps; the other
 * columns (names a reader copies) keep their width. A `list` has no line between its rows:
 * for long runs of one-line rows, such as a saga's log.
 */
export function makeTable(
  head: string[],
  colWidths?: number[],
  width = Infinity,
  flexible?: readonly number[],
  kind: 'table' | 'list' = 'table',
): Table.Table {
  const widths = colWidths ? fitColumns(colWidths, width, flexible ?? [colWidths.indexOf(Math.max(...colWidths))]) : undefined;
  const chars = kind === 'list' ? { chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } } : {};
  return new Table({ head, style: { head: [], border: [] }, wordWrap: true, ...chars, ...(widths ? { colWidths: widths } : {}) });
}

/** Column widths that fit `width` (borders included): the widest flexible column gives way a character at a time, none below 12. */
function fitColumns(widths: readonly number[], width: number, flexible: readonly number[]): number[] {
  const fitted = [...widths];
  let total = fitted.reduce((n, w) => n + w, 0) + fitted.length + 1;
  while (total > width) {
    const widest = flexible.reduce((best, i) => (fitted[i]! > fitted[best]! ? i : best), flexible[0]!);
    if (fitted[widest]! <= 12) break;
    fitted[widest]!--;
    total--;
  }
  return fitted;
}

/** Prose broken at spaces into lines of at most `width` characters (a word longer than that keeps its own line). */
export function wrap(text: string, width: number): string {
  if (text.length <= width) return text;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

/** A saga status in the colour of how it ended: completed green, compensated yellow, anything else red. */
export function colorStatus(status: string, c: ChalkInstance): string {
  return status === 'COMPLETED' ? c.green(status) : status === 'COMPENSATED' ? c.yellow(status) : c.red(status);
}
