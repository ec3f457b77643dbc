/**
 * The benchmark's ceiling: a bare node:http server in its own process that reads each request body in full and
 * answers a fixed JSON body of BODY_BYTES bytes. Nothing a Node HTTP server does on this machine can be faster.
 * Started by server-bench.ts with fork(); reports its port over IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const bytes = Number(process.env.BODY_BYTES ?? '4096');
// A JSON-RPC-shaped body padded to the requested size, like the MCP answers it stands in for.
const prefix = '{"jsonrpc":"2.0","id":1,"result":{"padding":"';
const suffix = '"}}';
const body = Buffer.from(prefix + 'x'.repeat(Math.max(0, bytes - prefix.length - suffix.length)) + suffix);

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
