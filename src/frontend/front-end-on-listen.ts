import type { FrontEnd } from './front-end.js';

/**
 * A front end whose module is loaded by listen(): `load` imports it and builds it, then its own listen()
 * runs. So a process loads only the front ends it serves (gRPC's grpc-js and protobufjs, fastify, the Handle
 * listeners each cost tens of milliseconds of start-up), and building the list touches no module. `name` must
 * be the loaded front end's name. close() before listen(), or after a failed load, closes nothing.
 */
export function frontEndOnListen(name: string, load: () => Promise<FrontEnd>): FrontEnd {
  let loaded: FrontEnd | undefined;
  return {
    name,
    async listen() {
      loaded = await load();
      return loaded.listen();
    },
    describe: () => loaded?.describe?.() ?? {},
    close: async () => {
      await loaded?.close();
    },
  };
}
