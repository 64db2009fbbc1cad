import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The package root: src/ and dist/ both sit there, so this module finds it from either. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The newest modification time (ms) of any file below `dir`; 0 for a missing directory. */
function newestMtime(dir: string): number {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Whether `npm run build` has compiled every source file below `root`/src since it last changed: dist/ holds a
 * file at least as new as the newest source. A build older than any source (an edit since) is stale.
 */
export function compiledBuildIsFresh(root: string = PACKAGE_ROOT): boolean {
  const built = newestMtime(join(root, 'dist'));
  return built > 0 && built >= newestMtime(join(root, 'src'));
}

/** Per package root, whether its build was fresh when first asked in this process. */
const freshness = new Map<string, boolean>();

/**
 * The compiled counterpart (dist/…/x.js) of the source module `source` (src/…/x.ts) when the build is fresh
 * (checked once per process), else undefined. For code run from its TypeScript sources (tests, `npm run
 * idnode`) that starts a thread or process on another module: compiled, it needs no TypeScript loader.
 * tsc writes each file's source map beside it, so stack traces and coverage still name the src/*.ts lines.
 */
export function compiledCounterpart(source: URL, root: string = PACKAGE_ROOT): URL | undefined {
  const path = relative(join(root, 'src'), fileURLToPath(source));
  if (path.startsWith('..') || !path.endsWith('.ts')) return undefined;
  let fresh = freshness.get(root);
  if (fresh === undefined) freshness.set(root, (fresh = compiledBuildIsFresh(root)));
  return fresh ? pathToFileURL(join(root, 'dist', `${path.slice(0, -'.ts'.length)}.js`)) : undefined;
}
