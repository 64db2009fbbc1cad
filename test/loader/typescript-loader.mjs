// The test processes' TypeScript loader: module hooks that run the repository's .ts files, with a disk cache of
// the compiled output. It stands in for tap's TypeScript plugin (left out in .taprc), which loaded ts-node and the
// TypeScript compiler into every test process twice, on the main thread and on the loader thread, before the
// first test line ran: about 0.3 s of CPU per process, and the suite starts about 190 of them plus their
// children. Here the compiler is loaded only when a file misses the cache, and then the compiling is still
// ts-node's own (transpile-only, the same options as tap's plugin), so what runs and the coverage mapped onto
// src/*.ts through its inline source map are those of tap's plugin.
//
// A cache entry is named by a hash of the file's path and contents, the compiler's and ts-node's versions and the
// tsconfig, so an edited file (or an upgraded compiler) never gets stale code: it misses and compiles again.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, '.tap', 'transpile-cache');
const require = createRequire(import.meta.url);
// ts-node's settings as tap's TypeScript plugin sets them: compile without type-checking (`npm test` runs tsc
// --noEmit for that), with the repository's tsconfig wherever the process was started.
process.env.TS_NODE_TRANSPILE_ONLY ??= '1';
process.env.TS_NODE_PROJECT ??= join(root, 'tsconfig.json');
const TS_NODE = '@isaacs/ts-node-temp-fork-for-pr-2009';
const version = (name) => {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    return 'unknown';
  }
};
const salt = ['v1', version('typescript'), version(TS_NODE), readFileSync(process.env.TS_NODE_PROJECT, 'utf8'), process.env.TS_NODE_TRANSPILE_ONLY].join('\0');

/** Only the repository's own TypeScript: a dependency's files are loaded as published. */
const ownTypeScript = (url) => url.startsWith('file:') && url.endsWith('.ts') && !url.endsWith('.d.ts') && !url.includes('/node_modules/');

/**
 * The sources import each other as `./x.js` (TypeScript's NodeNext convention) while the file is `x.ts`: a
 * relative `.js` specifier of a repository file resolves to the `.ts` beside it when there is no `.js`.
 */
export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (parent !== undefined && parent.startsWith('file:') && !parent.includes('/node_modules/') && /^\.\.?\//.test(specifier) && specifier.endsWith('.js')) {
    const asTypeScript = new URL(`${specifier.slice(0, -3)}.ts`, parent);
    if (!existsSync(new URL(specifier, parent)) && existsSync(asTypeScript)) return { url: asTypeScript.href, format: 'module', shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

/** ts-node's module hooks, made on the first cache miss (making them loads the TypeScript compiler). */
let compiler;

export async function load(url, context, nextLoad) {
  if (!ownTypeScript(url)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const key = createHash('sha256').update(salt).update('\0').update(file).update('\0').update(readFileSync(file)).digest('hex');
  const entry = join(dir, `${key}.mjs`);
  try {
    return { format: 'module', source: readFileSync(entry, 'utf8'), shortCircuit: true };
  } catch {
    // Not cached yet: compile below.
  }
  const loaded = await nextLoad(url, { ...context, format: 'module' });
  // Already compiled by a TypeScript loader after this one in the chain: tap's own plugin, in the first run after an
  // install (`npm install` runs `tap build`, but a tap run that had to rebuild its test class itself still starts
  // its test processes with the loaders it was loaded with). Compiling that output again would append a second
  // source map and change the file's line count, which spoils the coverage merged with other processes.
  if (compiledAlready(loaded.source)) return { ...(await cached(entry, loaded)), shortCircuit: true };
  compiler ??= import(`${TS_NODE}/esm`);
  const result = await (await compiler).load(url, { ...context, format: 'module' }, async () => loaded);
  return { ...(await cached(entry, result)), shortCircuit: true };
}

/** The source of a repository .ts file as compiled JavaScript: what ts-node emits ends with an inline source map. */
function compiledAlready(source) {
  return source !== undefined && source !== null && String(source).trimEnd().split('\n').pop().startsWith('//# sourceMappingURL=data:application/json');
}

/** Keeps `result` (compiled, format module) in the cache under `entry`, and returns it. */
async function cached(entry, result) {
  if (result.format === 'module' && typeof result.source === 'string') {
    // Written whole (temporary file, then rename): parallel test processes never read half an entry.
    const temporary = `${entry}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(temporary, result.source);
      renameSync(temporary, entry);
    } catch {
      // A cache that cannot be written only costs the compile.
    }
  }
  return result;
}
