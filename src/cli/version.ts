import { createRequire } from 'node:module';

// package.json sits two levels up both from src/cli (development) and from dist/cli (built).
const manifest = createRequire(import.meta.url)('../../package.json') as { version: string };

export const VERSION: string = manifest.version;
