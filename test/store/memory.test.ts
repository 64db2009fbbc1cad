import t from 'tap';
import { openMemoryStore } from '../../src/store/memory/memory-store.js';
import { storeConformance } from './conformance.js';

await storeConformance(t, 'memory', async () => ({ store: openMemoryStore(), cleanup: async () => {} }));
