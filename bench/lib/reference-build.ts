import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/**
 * Compiles a reference (bench/references/*.ts) to plain JavaScript, so references run like idnode's
 * compiled build and tsx is measured on neither side. Each reference is one file; its imports of the
 * project's source (`../../src/…js`) are pointed at the compiled build (dist/), which the bench builds
 * first. The output goes to `outDir`, which must lie inside the repository so packages resolve from
 * node_modules. Returns the path of the .mjs file.
 */
export function compileReference(root: string, source: string, outDir: string): string {
  const output = ts.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: source,
  }).outputText;
  const distUrl = pathToFileURL(join(root, 'dist')).href;
  const rewritten = output.replace(/(from\s+['"])\.\.\/\.\.\/src\//g, `$1${distUrl}/`);
  mkdirSync(outDir, { recursive: true });
  const target = join(outDir, basename(source).replace(/\.ts$/, '.mjs'));
  writeFileSync(target, rewritten);
  return target;
}
