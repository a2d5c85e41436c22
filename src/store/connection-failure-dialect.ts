/**
 * A Kysely dialect wrapper that turns the engine's connection failures into `store-unavailable`, at the
 * one place every query passes, so no caller sees (or forwards) a driver message naming the server.
 */
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { mapConnectionFailure } from './store-unavailable.js';

/**
 * @example
 * const db = new Kysely<Database>({ dialect: withConnectionFailures(new PostgresDialect({ pool })) });
 */
export function withConnectionFailures(dialect: Dialect): Dialect {
  return {
    createDriver: () => new ConnectionFailureDriver(dialect.createDriver()),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}

type CompileQuery = QueryCompiler['compileQuery'];

function rethrowMapped(error: unknown): never {
  throw mapConnectionFailure(error);
}

class MappedConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}

  executeQuery<Row>(query: CompiledQuery): Promise<QueryResult<Row>> {
    return this.inner.executeQuery<Row>(query).catch(rethrowMapped);
  }

  async *streamQuery<Row>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<Row>> {
    try {
      yield* this.inner.streamQuery<Row>(query, chunkSize);
    } catch (error) {
      rethrowMapped(error);
    }
  }
}

/** Kysely hands back the connection it acquired; the inner driver gets its own connection object back. */
function unwrap(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof MappedConnection ? connection.inner : connection;
}

class ConnectionFailureDriver implements Driver {
  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init().catch(rethrowMapped);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new MappedConnection(await this.inner.acquireConnection().catch(rethrowMapped));
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(unwrap(connection), settings).catch(rethrowMapped);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(unwrap(connection)).catch(rethrowMapped);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(unwrap(connection)).catch(rethrowMapped);
  }

  savepoint(connection: DatabaseConnection, name: string, compileQuery: CompileQuery): Promise<void> {
    return this.call('savepoint', connection, name, compileQuery);
  }

  rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: CompileQuery,
  ): Promise<void> {
    return this.call('rollbackToSavepoint', connection, name, compileQuery);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compileQuery: CompileQuery): Promise<void> {
    return this.call('releaseSavepoint', connection, name, compileQuery);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  private async call(
    method: 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint',
    connection: DatabaseConnection,
    name: string,
    compileQuery: CompileQuery,
  ): Promise<void> {
    const work = this.inner[method];
    // The same words Kysely uses when a driver has no savepoints.
    if (!work) throw new Error(`The \`${method}\` method is not supported by this driver`);
    await work.call(this.inner, unwrap(connection), name, compileQuery).catch(rethrowMapped);
  }
}
