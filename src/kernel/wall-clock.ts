/**
 * Real time, for reports about speed only (seeds/s, progress). Nothing that decides what
 * happens in a run may read it: runs are timed by the virtual clock.
 */
export function wallClockMs(): number {
  return performance.now();
}
