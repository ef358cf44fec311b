import { describe, expect, it } from 'vitest';
import { arg, queryBuilder } from '../../src/store/index.js';

interface Tables {
  charges: { id: string; saga_id: string };
}

describe('queryBuilder', () => {
  const q = queryBuilder<Tables>();

  it('writes a constant LIMIT into the SQL instead of binding it (a bound LIMIT makes SQLite lookups about five times slower)', () => {
    const compiled = q.selectFrom('charges').select('id').where('saga_id', '=', 'saga-1').limit(1).compile();
    expect(compiled.sql).toBe('select "id" from "charges" where "saga_id" = ? limit 1');
    expect(compiled.parameters).toEqual(['saga-1']);
  });

  it('leaves a LIMIT given as a named parameter bound', () => {
    const compiled = q.selectFrom('charges').select('id').limit(arg<number>('n')).compile();
    expect(compiled.sql).toBe('select "id" from "charges" limit ?');
    expect(compiled.parameters).toHaveLength(1);
  });
});
