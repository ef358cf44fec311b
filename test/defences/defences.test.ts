import { describe, expect, it } from 'vitest';
import { ALL_DEFENCES, DEFENCE_NAMES, defenceFlag, parseDefence, withDisabled } from '../../src/defences/index.js';

describe('defences', () => {
  it('every defence has a command-line spelling that parses back to it; an unknown one parses to null', () => {
    for (const name of DEFENCE_NAMES) expect(parseDefence(defenceFlag(name))).toBe(name);
    expect(defenceFlag('compensationRetry')).toBe('compensation-retry');
    expect(parseDefence('compensationRetry')).toBeNull();
    expect(parseDefence('')).toBeNull();
  });

  it('switching some off leaves the others on', () => {
    expect(withDisabled([])).toEqual(ALL_DEFENCES);
    const off = withDisabled(['outbox', 'timeouts']);
    expect(DEFENCE_NAMES.filter((n) => !off[n])).toEqual(['outbox', 'timeouts']);
    expect(Object.isFrozen(off)).toBe(true);
  });
});
