import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`, one level at a time. Node's own recursive mkdir can loop forever on a path
 * under a pseudo file system (/proc, /sys); this one stops at the first level it cannot
 * make, with that level's error, and refuses a path through something that is not a folder.
 */
export function makeFolders(dir: string): void {
  const at = nearestExisting(dir);
  if (!statSync(at).isDirectory()) throw Object.assign(new Error(`${at} is not a folder`), { code: 'ENOTDIR' });
  const missing: string[] = [];
  for (let p = resolve(dir); p !== at; p = dirname(p)) missing.unshift(p);
  for (const folder of missing) mkdirSync(folder);
}

/** The longest part of `path` that exists (the root at worst). */
export function nearestExisting(path: string): string {
  let at = resolve(path);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}
