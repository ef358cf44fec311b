import chalk, { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';

/** Chalk, switched off when NO_COLOR is set (chalk itself only looks at the terminal). */
export function makeStyle(env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '' ? new Chalk({ level: 0 }) : chalk;
}

/** A table without cli-table3's own colours, so NO_COLOR output is plain text. */
export function makeTable(head: string[], colWidths?: number[]): Table.Table {
  return new Table({ head, style: { head: [], border: [] }, wordWrap: true, ...(colWidths ? { colWidths } : {}) });
}
