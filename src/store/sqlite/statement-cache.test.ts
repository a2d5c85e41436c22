import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cacheStatements } from './statement-cache.js';

describe('cacheStatements', () => {
  it('reuses a compiled statement per SQL text and evicts the least recently used', () => {
    const raw = new BetterSqlite3(':memory:');
    let compiled = 0;
    const counting = new Proxy(raw, {
      get(target, property) {
        if (property === 'prepare') {
          return (sql: string) => {
            compiled++;
            return target.prepare(sql);
          };
        }
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const database = cacheStatements(counting, 2);
    database.prepare('create table t (x integer)').run();
    const insert = database.prepare('insert into t values (?)');
    insert.run(1);
    expect(database.prepare('insert into t values (?)')).toBe(insert);
    database.prepare('select count(*) as n from t').get();
    expect(compiled).toBe(3);
    // Capacity 2: the create statement (least recently used) was dropped, the insert was kept.
    database.prepare('insert into t values (?)').run(2);
    expect(compiled).toBe(3);
    database.prepare('select 1').get();
    database.prepare('create table if not exists t (x integer)').run();
    expect(compiled).toBe(5);
    expect(database.prepare('select count(*) as n from t').get()).toEqual({ n: 2 });
    database.close();
    expect(raw.open).toBe(false);
  });
});
