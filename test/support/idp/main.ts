/**
 * The test identity provider as its own process (so tests can stop it, restart it with new keys on the same port,
 * or run two with different issuers). Options come as JSON in IDP_OPTIONS; when listening it prints one line:
 * `{"ready":true,"issuer":…,"port":…}` on stdout. GET /__idp/stats answers how often the key set was fetched.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProvider, type IdpOptions } from './provider.ts';

const options = JSON.parse(process.env.IDP_OPTIONS ?? '{}') as IdpOptions & { port: number };
const provider = createProvider(options);
const stats = { jwksFetches: 0, tokenRequests: 0 };
provider.use(async (ctx, next) => {
  if (ctx.path === '/__idp/stats') {
    ctx.body = stats;
    return;
  }
  if (ctx.path === '/jwks') stats.jwksFetches++;
  if (ctx.path === '/token') stats.tokenRequests++;
  await next();
});
// The provider logs its development-only warnings on stderr; the parent shows them only on failure.
const server = createServer(provider.callback());
server.listen(options.port, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ ready: true, issuer: options.issuer, port })}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
