// The test processes' TypeScript loader (.taprc node-arg, in place of tap's TypeScript plugin): see typescript-loader.mjs.
import { register } from 'node:module';

register(new URL('./typescript-loader.mjs', import.meta.url));
