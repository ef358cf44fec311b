/**
 * Lets the process handle what waits on the event loop (a signal, a worker's message)
 * between two pieces of synchronous work, such as two fuzz seeds. It reads no time and
 * changes nothing a run decides: only when the next piece starts in real time.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
