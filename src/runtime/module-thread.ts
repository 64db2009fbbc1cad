import { Worker } from 'node:worker_threads';
import { compiledCounterpart } from './compiled-build.js';

/**
 * Starts a worker thread on the module `entry` (a .js file of the compiled build, or a .ts source when run from
 * TypeScript: tests, `npm run idnode`), with `workerData`. The compiled build starts the entry as it is. Run from
 * source, the thread evaluates a one-line boot instead, in which the process's --import preloads do not run (a
 * test runner's TypeScript loader would cost each thread seconds of CPU). It imports the compiled entry when
 * `npm run build` is fresh: booting a TypeScript loader cost every SQLite store opened about half a second of CPU,
 * and the test suite opens hundreds. Otherwise the thread must load .ts: tsx registers its hooks for the main
 * thread only, so the thread registers them itself before importing its entry.
 */
export function startModuleThread(entry: URL, workerData: unknown): Worker {
  if (entry.pathname.endsWith('.js')) return new Worker(entry, { workerData });
  const compiled = compiledCounterpart(entry);
  const boot = compiled
    ? `import(${JSON.stringify(compiled.href)})`
    : `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
