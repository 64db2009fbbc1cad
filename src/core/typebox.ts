import { createRequire } from 'node:module';

/**
 * TypeBox's schema builder (Type) and value checker (Value), from its CommonJS build. Its ES module build is
 * 266 files, each linked as an ES module of its own: under an ES module loader hook (tap's coverage loader,
 * which every process the tests start runs) loading it cost about 0.3 s of CPU per process, the CommonJS
 * build a sixth of that (README, "Testing"). Same API and same schemas: TypeBox marks a schema with
 * Symbol.for keys, shared by both builds. Types still come from '@sinclair/typebox' (`import type`).
 */
const require = createRequire(import.meta.url);

export const { Type } = require('@sinclair/typebox') as typeof import('@sinclair/typebox');
export const { Value } = require('@sinclair/typebox/value') as typeof import('@sinclair/typebox/value');
