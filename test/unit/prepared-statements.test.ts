import { describe, expect, it } from 'vitest';
import { preparedStatement } from '../../server/db/prepared-statements.js';

describe('preparedStatement', () => {
  it('builds the query with the text and parameters given', () => {
    const query = preparedStatement<{ n: number }>('test_prepared_echo', 'select $1::int as n')([7]);
    expect(query.sql).toBe('select $1::int as n');
    expect(query.parameters).toEqual([7]);
  });

  it('refuses one name for two texts (a connection holding the first would refuse the second)', () => {
    preparedStatement('test_prepared_twice', 'select 1');
    expect(() => preparedStatement('test_prepared_twice', 'select 2')).toThrow('prepared statement test_prepared_twice registered twice with different text');
    expect(() => preparedStatement('test_prepared_twice', 'select 1')).not.toThrow();
  });
});
