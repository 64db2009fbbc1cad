import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (listened on, then closed): for a test that must name a
 * port before the process that will listen on it starts (restarting a node on the same port, a refused port).
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
