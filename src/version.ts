import { createRequire } from 'node:module';

// package.json sits one level up both from src (development) and from dist (built).
const manifest = createRequire(import.meta.url)('../package.json') as { version: string };

/** The package version, shown by `idnode --version`, in /metrics and in the OpenAPI document. */
export const VERSION: string = manifest.version;
