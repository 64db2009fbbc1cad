import SerializerSelector from '@fastify/fast-json-stringify-compiler';

type Serialize = (data: unknown) => string;
/** What fastify hands a serializer compiler for one route and status code. */
interface SerializerRoute {
  readonly schema: unknown;
  readonly method?: string;
  readonly url?: string;
  readonly httpStatus?: string;
  readonly contentType?: string;
}
type SerializerCompiler = (route: SerializerRoute) => Serialize;
/** fastify's `schemaController.compilersFactory.buildSerializer`: the shared schemas (addSchema) and serializerOpts in, a compiler out. */
export type SerializerBuilder = (externalSchemas: Readonly<Record<string, unknown>>, options: unknown) => SerializerCompiler;

// The builder fastify itself uses when given none (fast-json-stringify). A dependency of ours, in the range
// fastify 5 names, so npm installs the one copy both use and a serializer is built exactly as fastify would.
// Its types make the route's method, url and status required; fastify's compilers may be asked without them.
const fastifyBuilder = SerializerSelector() as unknown as SerializerBuilder;

/** Every serializer built in this process, by its schema and the shared schemas it may refer to (JSON text). */
const built = new Map<string, Serialize>();

/**
 * fastify's serializer builder, building each distinct response schema once. fastify builds a serializer for
 * every route and status code, and again for the HEAD route of each GET; most of ours share a schema (every
 * route's nine error statuses are one reference to Error), so the REST front end's start built the same
 * fast-json-stringify function hundreds of times. A serializer depends only on the schema, the shared schemas
 * and the options (not on the route), so an equal schema gets the function built for the first: answers are
 * serialised exactly as before. Kept for the life of the process: the schemas are the code's own, finitely many.
 */
export const sharedSerializerBuilder: SerializerBuilder = (externalSchemas, options) => {
  const compile = fastifyBuilder(externalSchemas, options);
  const context = JSON.stringify([externalSchemas, options ?? null]);
  return (route) => {
    const key = `${context}\n${JSON.stringify(route.schema)}`;
    let serialize = built.get(key);
    if (serialize === undefined) {
      serialize = compile(route);
      built.set(key, serialize);
    }
    return serialize;
  };
};
