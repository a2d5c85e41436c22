/**
 * Hot queries compiled once: Kysely builds and compiles a query on every call, which costs more CPU
 * than SQLite takes to run a small indexed read or insert. A query made with `compiledQuery` is built once
 * per dialect with placeholder values; each later call only binds its values into the same SQL. The
 * builder must give the same SQL for any values (no branching on a value); when it does not (a value
 * ended up in the SQL text, or was transformed), the query is built on every call as before, so the
 * result is always what Kysely would have run.
 */
import { type Compilable, type CompiledQuery, createQueryId, type Kysely, type QueryResult } from 'kysely';
import { mapConnectionFailure } from './store-unavailable.js';

/** Where each parameter comes from: the index of a call value, or a constant of the query. */
type Slot = { value: number } | { constant: unknown };

interface Template {
  query: CompiledQuery;
  slots: Slot[];
}

const placeholder = (index: number) => `\u0000steward-value-${index}\u0000`;

/**
 * @example
 * const byId = compiledQuery((db: Kysely<Database>, tenantId: string, id: string) =>
 *   db.selectFrom('interactions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id));
 * const { rows } = await byId(store.db, 'acme', 'i-1');
 */
export function compiledQuery<Db, Values extends unknown[], Row>(
  build: (db: Kysely<Db>, ...values: Values) => Compilable<Row>,
): (db: Kysely<Db>, ...values: Values) => Promise<QueryResult<Row>> {
  const bind = templateBinder(build);
  return (db, ...values) => db.executeQuery<Row>(bind(db, values) ?? build(db, ...values).compile());
}

/** A store's synchronous reads (SQLite files: `StewardStore.prepareLatestRows`), when it has them. */
export interface LatestRowsSource {
  readonly prepareLatestRows?: (sql: string) => (parameters: readonly unknown[]) => unknown[];
}

/**
 * A hot read of the latest committed rows (a tenant's row, an agent's trust state, a cache entry), compiled
 * once as `compiledQuery` does. On a SQLite file store it runs synchronously through the store's latest
 * reader (`prepareLatestRows`): no driver queue, so it does not wait behind a group commit's open
 * transaction, and it never sees that transaction's uncommitted writes. Elsewhere (PostgreSQL,
 * `:memory:`) it is the compiled query through `db`. Never use it for a read that must see the caller's
 * own transaction.
 *
 * @example
 * const tenantRow = compiledLatestRead((db: Kysely<Database>, tenantId: string) =>
 *   db.selectFrom('tenants').selectAll().where('tenant_id', '=', tenantId));
 * const [row] = await tenantRow(store, store.db, 'acme');
 */
export function compiledLatestRead<Db, Values extends unknown[], Row>(
  build: (db: Kysely<Db>, ...values: Values) => Compilable<Row>,
): (store: LatestRowsSource, db: Kysely<Db>, ...values: Values) => Promise<Row[]> {
  const bind = templateBinder(build);
  const readers = new WeakMap<LatestRowsSource, (parameters: readonly unknown[]) => unknown[]>();
  return async (store, db, ...values) => {
    const query = bind(db, values);
    if (!query || !store.prepareLatestRows) {
      return (await db.executeQuery<Row>(query ?? build(db, ...values).compile())).rows;
    }
    let read = readers.get(store);
    if (!read) {
      read = store.prepareLatestRows(query.sql);
      readers.set(store, read);
    }
    try {
      return read(query.parameters) as Row[];
    } catch (error) {
      throw mapConnectionFailure(error);
    }
  };
}

/**
 * The compiled query of `values`, from a template built once per dialect (adapter class: the SQL text
 * differs between SQLite and PostgreSQL); undefined when the builder cannot be templated.
 */
function templateBinder<Db, Values extends unknown[], Row>(
  build: (db: Kysely<Db>, ...values: Values) => Compilable<Row>,
): (db: Kysely<Db>, values: Values) => CompiledQuery<Row> | undefined {
  const templates = new Map<unknown, Template | null>();
  return (db, values) => {
    const dialect = db.getExecutor().adapter.constructor;
    let template = templates.get(dialect);
    if (template === undefined) {
      template = makeTemplate(db, build, values.length);
      templates.set(dialect, template);
    }
    if (template === null) return undefined;
    const parameters = template.slots.map((slot) => ('value' in slot ? values[slot.value] : slot.constant));
    return { ...template.query, queryId: createQueryId(), parameters } as CompiledQuery<Row>;
  };
}

function makeTemplate<Db, Values extends unknown[], Row>(
  db: Kysely<Db>,
  build: (db: Kysely<Db>, ...values: Values) => Compilable<Row>,
  count: number,
): Template | null {
  const placeholders = Array.from({ length: count }, (_, index) => placeholder(index)) as Values;
  let query: CompiledQuery;
  try {
    query = build(db, ...placeholders).compile();
  } catch {
    return null; // a builder that checks its values (e.g. a number for limit) is built on every call
  }
  const used = new Set<number>();
  const slots: Slot[] = query.parameters.map((parameter) => {
    const index = placeholders.indexOf(parameter);
    if (index === -1) return { constant: parameter };
    used.add(index);
    return { value: index };
  });
  // Every value must be a bound parameter, never part of the SQL text.
  if (used.size !== count || placeholders.some((text) => query.sql.includes(text as string))) return null;
  return { query, slots };
}

/** The largest number of rows one multi-row statement of `compiledRowsQuery` takes. */
const MAX_ROWS_PER_STATEMENT = 64;

/**
 * A multi-row statement (an insert, an upsert) over any number of rows, each row `width` values: the rows
 * go in chunks of a power of two (64, 32, … 1), each chunk size compiled once as `compiledQuery` does, so
 * 30 rows are four statements from at most seven templates. `build` receives the rows of one chunk.
 *
 * @example
 * const insertRows = compiledRowsQuery(2, (db: Kysely<Database>, rows) =>
 *   db.insertInto('t').values(rows.map(([id, name]) => ({ id, name }))));
 * await insertRows(db, [['1', 'a'], ['2', 'b'], ['3', 'c']]); // one statement of 2 rows, one of 1
 */
export function compiledRowsQuery<Db>(
  width: number,
  build: (db: Kysely<Db>, rows: unknown[][]) => Compilable<unknown>,
): (db: Kysely<Db>, rows: ReadonlyArray<readonly unknown[]>) => Promise<void> {
  const bySize = new Map<number, (db: Kysely<Db>, ...values: unknown[]) => Promise<unknown>>();
  const querySized = (size: number) => {
    let query = bySize.get(size);
    if (!query) {
      query = compiledQuery((db: Kysely<Db>, ...values: unknown[]) =>
        build(
          db,
          Array.from({ length: size }, (_, row) => values.slice(row * width, (row + 1) * width)),
        ),
      );
      bySize.set(size, query);
    }
    return query;
  };
  return async (db, rows) => {
    for (const row of rows) {
      if (row.length !== width) throw new Error(`a row of ${row.length} values where ${width} are expected`);
    }
    let start = 0;
    while (start < rows.length) {
      let size = MAX_ROWS_PER_STATEMENT;
      while (size > rows.length - start) size >>= 1;
      await querySized(size)(db, ...rows.slice(start, start + size).flat());
      start += size;
    }
  };
}
