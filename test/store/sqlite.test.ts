import { join } from 'node:path';
import t from 'tap';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { storeConformance } from './conformance.js';

let opened = 0;
await storeConformance(t, 'sqlite', async () => {
  const store = openSqliteStore({ file: join(t.testdir(), `store-${opened++}`, 'idnode.sqlite') });
  return { store, cleanup: async () => {} };
});
