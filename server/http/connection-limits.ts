import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';

/** Connections beyond the cap that are still accepted, for health probes only. */
export const HEALTH_RESERVE_CONNECTIONS = 8;

export interface ConnectionLimits {
  /**
   * True for a connection accepted beyond `maxConnections` (inside the health reserve): it may ask for
   * /health/* and /metrics, and is refused anything else, so kubelet and Prometheus still get through while
   * clients hold every regular slot.
   */
  isOverflow(socket: Socket): boolean;
  open(): number;
}

/**
 * Slow-client protection of the HTTP server, part 1: header and whole-request deadlines. These are node:http's own,
 * checked every second instead of every 30 s so they cut on time. Node answers 408 and closes the connection.
 */
export function slowClientOptions(options: {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}): ServerOptions {
  return {
    headersTimeout: options.headersTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs),
  };
}

/**
 * Part 2: a connection cap. Node refuses connections past `maxConnections + HEALTH_RESERVE_CONNECTIONS` outright;
 * the reserve is marked so the app serves it health only.
 */
export function limitConnections(server: Server, maxConnections: number): ConnectionLimits {
  server.maxConnections = maxConnections + HEALTH_RESERVE_CONNECTIONS;
  const overflow = new WeakSet<Socket>();
  let open = 0;
  server.on('connection', (socket: Socket) => {
    open++;
    if (open > maxConnections) overflow.add(socket);
    socket.once('close', () => {
      open--;
    });
  });
  return { isOverflow: (socket) => overflow.has(socket), open: () => open };
}
