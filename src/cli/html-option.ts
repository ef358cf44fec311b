import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { renderHtmlReport, type ReportData } from '../report/index.js';
import { buildVersion } from '../version.js';
import { UsageError } from './usage-error.js';

/** Where `--html` writes, checked before any work: a file in a folder that exists (its old content is replaced). */
export function reportPath(path: string): string {
  const file = resolve(path);
  const folder = statSync(dirname(file), { throwIfNoEntry: false });
  if (!folder?.isDirectory())
    throw new UsageError(`--html ${path}: the folder ${dirname(file)} does not exist; make it first or give another path.`);
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`--html ${path} is a folder; give the path of a file, e.g. ${path}/report.html.`);
  return file;
}

/**
 * Writes the report whole or not at all: into a file beside it, then renamed over it. Returns
 * null, or the sentence that says why it could not (a full disk, a folder gone since): the run
 * itself is reported all the same, and the command ends with exit code 3.
 */
export function writeReport(file: string, data: Omit<ReportData, 'build'>): string | null {
  const partial = `${file}.partial`;
  // Something of that name is not this command's to write over or remove.
  const inTheWay = existsSync(partial);
  try {
    if (inTheWay) throw Object.assign(new Error('in the way'), { code: `${partial} is in the way` });
    writeFileSync(partial, renderHtmlReport({ ...data, build: buildVersion() }));
    renameSync(partial, file);
    return null;
  } catch (error) {
    // What this began writing (a full disk stops it halfway) goes; nothing else.
    if (!inTheWay) rmSync(partial, { force: true });
    const why = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    return `Could not write the report to ${file} (${why}); the run above is complete: free space or give another --html path and run it again.\n`;
  }
}
