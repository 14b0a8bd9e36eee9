/**
 * Named (prepared) statements through kysely. Kysely sends every query as an unnamed statement,
 * which PostgreSQL parses and plans on each execution: for the append every live edit waits on
 * (a CTE over two tables), that is about half of the commit's time on loopback. A statement
 * registered here by `preparedStatement` goes out as a named one, parsed and planned once per
 * connection (node-postgres keeps which connection prepared what); every other query is
 * unchanged. Kysely has no prepared statements of its own, hence this adapter between it and
 * the pg pool.
 */
import { CompiledQuery, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/** Statement text → its name, and back (one text per name: a connection prepares a name once). */
const names = new Map<string, string>();
const texts = new Map<string, string>();

/**
 * Registers `text` (with `$1`, `$2`… placeholders) as a named statement and returns a builder of
 * the query to execute with `db.executeQuery(...)`, in a transaction or not. Throws if `name`
 * already names another text (node-postgres would refuse it on a connection that had it).
 */
export function preparedStatement<Row>(name: string, text: string): (parameters: readonly unknown[]) => CompiledQuery<Row> {
  if ((texts.get(name) ?? text) !== text) throw new Error(`prepared statement ${name} registered twice with different text`);
  names.set(text, name);
  texts.set(name, text);
  return (parameters) => CompiledQuery.raw(text, [...parameters]) as CompiledQuery<Row>;
}

/** The pool as kysely's PostgresDialect takes it, sending registered statements as named ones. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let adapter = wrapped.get(client);
      if (!adapter) {
        adapter = {
          query: ((query: string | object, parameters?: readonly unknown[]) => {
            const name = typeof query === 'string' ? names.get(query) : undefined;
            if (name) return client.query({ name, text: query as string, values: [...(parameters ?? [])] });
            // A cursor (an object) or an unregistered text: as kysely sends it.
            return typeof query === 'string' ? client.query(query, parameters as unknown[]) : client.query(query as pg.Submittable);
          }) as unknown as PostgresPoolClient['query'],
          release: () => client.release(),
        };
        wrapped.set(client, adapter);
      }
      return adapter;
    },
    end: () => pool.end(),
  };
}
