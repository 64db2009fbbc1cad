// The container image's HEALTHCHECK: exits 0 when GET /readyz on this container's own REST port answers 200
// (the node answers and so does its store), 1 otherwise. It reads the same IDNODE_HTTP_PORT and IDNODE_TLS_CERT
// as the node (a port or TLS set only in a config file is not seen: set them in the environment). With TLS it
// does not verify the certificate: it asks its own process over loopback.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const port = process.env.IDNODE_HTTP_PORT ?? '8000';
const tls = (process.env.IDNODE_TLS_CERT ?? '') !== '';
const request = tls ? httpsRequest : httpRequest;
const call = request({ host: '127.0.0.1', port, path: '/readyz', timeout: 4000, rejectUnauthorized: false }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
call.on('timeout', () => call.destroy(new Error('timed out')));
call.on('error', (error) => {
  process.stderr.write(`readyz: ${error.message}\n`);
  process.exit(1);
});
call.end();
