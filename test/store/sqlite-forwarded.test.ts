import { join } from 'node:path';
import t from 'tap';
import { openWorkerStore, openPrimary } from '../helpers/forwarded-store.js';
import { storeConformance } from './conformance.js';

// The conformance suite on a SQLite store whose writes are forwarded, as a worker's of serve --workers are, to the
// primary's one writer (ForwardedWriter → WriteRelay → SqliteWriter), through the IPC channel's serialization.

let opened = 0;
await storeConformance(t, 'sqlite (writes forwarded to a primary)', async () => {
  const file = join(t.testdir(), `store-${opened++}`, 'idnode.sqlite');
  const primary = openPrimary(file);
  const { store } = openWorkerStore(primary, file);
  return { store, cleanup: () => primary.writer.close() };
});
