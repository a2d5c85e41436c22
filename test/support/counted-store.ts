/**
 * A store whose commits are counted, for tests of how many durable writes an operation costs: its write
 * transactions and its group writer's shared transactions (a group writer of its own over the counted
 * transactions, as openStore builds one) each count once; `failNext` fails the next commit after its work ran.
 */
import { GroupWriter, type StewardStore } from '../../src/store/index.js';

export interface CountedStore {
  store: StewardStore;
  commits(): number;
  failNext(): void;
}

export function countedStore(store: StewardStore): CountedStore {
  let commits = 0;
  let fail = false;
  const writeTransaction: StewardStore['writeTransaction'] = (work) =>
    store.writeTransaction(async (db) => {
      const result = await work(db);
      if (fail) {
        fail = false;
        throw new Error('disk full');
      }
      commits++;
      return result;
    });
  const writer = new GroupWriter(writeTransaction);
  return {
    store: { ...store, writeTransaction, batchWrite: (work) => writer.run(work) },
    commits: () => commits,
    failNext() {
      fail = true;
    },
  };
}
