import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** Writes the report whole or not at all: into a file beside it, then renamed over it. */
export function writeReport(file: string, data: Omit<ReportData, 'build'>): void {
  const partial = `${file}.partial`;
  try {
    writeFileSync(partial, renderHtmlReport({ ...data, build: buildVersion() }));
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}
