// A disk cache in front of tap's TypeScript loader (ts-node, transpile-only). Every test process compiled each
// source file it imported again: about 7 s of CPU for a file that imports the whole node, paid by each of the
// suite's ~170 test processes. The cache keeps ts-node's own output (JavaScript with its inline source map),
// byte for byte, so what runs and the coverage mapped onto src/*.ts are those of an uncached run.
// An entry is named by a hash of the file's path and contents, the compiler's and ts-node's versions and the
// tsconfig, so an edited file (or an upgraded compiler) never gets stale code: it misses and compiles again.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, '.tap', 'transpile-cache');
const require = createRequire(import.meta.url);
const version = (name) => {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    return 'unknown';
  }
};
const salt = [
  'v1',
  version('typescript'),
  version('@isaacs/ts-node-temp-fork-for-pr-2009'),
  readFileSync(process.env.TS_NODE_PROJECT ?? join(root, 'tsconfig.json'), 'utf8'),
  process.env.TS_NODE_TRANSPILE_ONLY ?? '',
].join('\0');

/** Only the repository's own TypeScript: a dependency's files are loaded as published. */
const cacheable = (url) => url.startsWith('file:') && url.endsWith('.ts') && !url.endsWith('.d.ts') && !url.includes('/node_modules/');

export async function load(url, context, nextLoad) {
  if (!cacheable(url)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  let key;
  try {
    key = createHash('sha256').update(salt).update('\0').update(file).update('\0').update(readFileSync(file)).digest('hex');
  } catch {
    return nextLoad(url, context);
  }
  const entry = join(dir, `${key}.mjs`);
  try {
    return { format: 'module', source: readFileSync(entry, 'utf8'), shortCircuit: true };
  } catch {
    // Not cached yet: compile below.
  }
  const result = await nextLoad(url, context);
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
