import chalk, { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';

/** Chalk, switched off when NO_COLOR is set (chalk itself only looks at the terminal). */
export function makeStyle(env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '' ? new Chalk({ level: 0 }) : chalk;
}

/**
 * A table without cli-table3's own colours, so NO_COLOR output is plain text. With column
 * widths and the width of the output, the widest column (the prose: a detail, a
 * description) gives way until the table fits, and its text wraps; names keep their width.
 */
export function makeTable(head: string[], colWidths?: number[], width = Infinity): Table.Table {
  return new Table({
    head,
    style: { head: [], border: [] },
    wordWrap: true,
    ...(colWidths ? { colWidths: fitColumns(colWidths, width) } : {}),
  });
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

/** Column widths that fit `width` (borders included): the widest column gives way a character at a time, none below 12. */
function fitColumns(widths: readonly number[], width: number): number[] {
  const fitted = [...widths];
  let total = fitted.reduce((n, w) => n + w, 0) + fitted.length + 1;
  while (total > width) {
    const widest = fitted.indexOf(Math.max(...fitted));
    if (fitted[widest]! <= 12) break;
    fitted[widest]!--;
    total--;
  }
  return fitted;
}
