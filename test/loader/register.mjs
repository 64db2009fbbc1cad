// Registered after tap's TypeScript loader (.taprc node-arg), so its load hook runs first: see transpile-cache.mjs.
import { register } from 'node:module';

register(new URL('./transpile-cache.mjs', import.meta.url));
