import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { compiledBuildIsFresh, compiledCounterpart } from '../../src/runtime/compiled-build.js';

/** A package root holding src/store/x.ts written at `sourceAt` and, unless undefined, dist/store/x.js at `builtAt` (seconds). */
function tree(dir: string, sourceAt: number, builtAt?: number): string {
  const write = (file: string, at: number) => {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, '');
    utimesSync(file, at, at);
  };
  write(join(dir, 'src', 'store', 'x.ts'), sourceAt);
  if (builtAt !== undefined) write(join(dir, 'dist', 'store', 'x.js'), builtAt);
  return dir;
}

t.test('a build at least as new as every source is used; an older one, or none, is not', async (t) => {
  const fresh = tree(join(t.testdir(), 'fresh'), 1_000, 2_000);
  t.equal(compiledBuildIsFresh(fresh), true);
  t.equal(compiledCounterpart(pathToFileURL(join(fresh, 'src', 'store', 'x.ts')), fresh)?.href, pathToFileURL(join(fresh, 'dist', 'store', 'x.js')).href);

  const stale = tree(join(t.testdir(), 'stale'), 3_000, 2_000);
  t.equal(compiledBuildIsFresh(stale), false, 'a source edited after the build');
  t.equal(compiledCounterpart(pathToFileURL(join(stale, 'src', 'store', 'x.ts')), stale), undefined);

  const unbuilt = tree(join(t.testdir(), 'unbuilt'), 1_000);
  t.equal(compiledBuildIsFresh(unbuilt), false, 'no dist/ at all');
  t.equal(compiledCounterpart(pathToFileURL(join(unbuilt, 'src', 'store', 'x.ts')), unbuilt), undefined);
});

t.test('only a TypeScript module below src/ has a counterpart', async (t) => {
  const root = tree(t.testdir(), 1_000, 2_000);
  t.equal(compiledCounterpart(pathToFileURL(join(root, 'test', 'x.ts')), root), undefined, 'outside src/');
  t.equal(compiledCounterpart(pathToFileURL(join(root, 'src', 'store', 'x.js')), root), undefined, 'already JavaScript');
});

t.test('this package: the compiled store thread exists whenever the build is fresh', async (t) => {
  const entry = compiledCounterpart(new URL('../../src/store/sqlite/sqlite-writer-thread.ts', import.meta.url));
  t.equal(entry !== undefined, compiledBuildIsFresh(), 'a counterpart exactly when the build is fresh');
  t.equal(compiledCounterpart(new URL('../../src/store/sqlite/sqlite-writer-thread.ts', import.meta.url))?.href, entry?.href, 'the same answer later in the process');
});
