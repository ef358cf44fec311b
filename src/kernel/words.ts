/** `1 saga`, `2 sagas`, `1,000 sagas`: a count and its noun, agreeing. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
