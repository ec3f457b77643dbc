/**
 * Free loopback TCP ports for the control plane's listeners. All probes stay open until every port is chosen, so
 * one call never returns the same port twice; a port can still be taken by someone else before the component binds
 * it, which the starter reports as a failed start (rare enough on loopback not to be worth a retry loop).
 */
import net from 'node:net';

function listenOnFreePort(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve(probe));
  });
}

export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const probes = await Promise.all(Array.from({ length: count }, () => listenOnFreePort()));
  const ports = probes.map((probe) => (probe.address() as net.AddressInfo).port);
  await Promise.all(probes.map((probe) => new Promise<void>((resolve) => probe.close(() => resolve()))));
  return ports;
}
