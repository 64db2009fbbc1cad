// The seeded source lives with the simulator that generates workloads from it; tests use the same one.
export { prng } from '../../src/simulate/prng.js';
