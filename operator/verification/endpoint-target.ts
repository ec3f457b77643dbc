// Which address to verify a server at: one endpoint of its Service, from the Service's EndpointSlices (what
// kube-proxy routes by). A ready endpoint if there is one; otherwise a not-ready one, because a pod that is not
// ready (e.g. Plex rejected its token) still says why on /health/ready, and that is what a person needs to read.

/** The parts of a discovery.k8s.io/v1 EndpointSlice this reads. */
export interface EndpointSliceView {
  addressType?: string;
  ports?: { name?: string; port?: number }[] | null;
  endpoints?: {
    addresses?: string[];
    conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  }[];
}

export interface EndpointChoice {
  baseUrl: string;
  ready: boolean;
  /** Every candidate address:port, sorted: part of the verification fingerprint (other pods → verify again). */
  candidates: string[];
}

function hostPort(address: string, port: number, addressType: string | undefined): string {
  return addressType === 'IPv6' ? `[${address}]:${port}` : `${address}:${port}`;
}

/** One endpoint on the Service port named `portName`; undefined when there is none (no pods, or no IPs yet). */
export function chooseEndpoint(
  slices: readonly EndpointSliceView[],
  portName: string,
  random: () => number = Math.random,
): EndpointChoice | undefined {
  const ready: string[] = [];
  const notReady: string[] = [];
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    const port = slice.ports?.find((p) => (p.name ?? '') === portName)?.port;
    if (!port) continue;
    for (const endpoint of slice.endpoints ?? []) {
      const address = endpoint.addresses?.[0];
      if (!address || endpoint.conditions?.terminating === true) continue;
      // `ready` unset means ready (the API's documented default).
      (endpoint.conditions?.ready === false ? notReady : ready).push(
        hostPort(address, port, slice.addressType),
      );
    }
  }
  const pool = ready.length > 0 ? ready : notReady;
  if (pool.length === 0) return undefined;
  const picked = pool[Math.floor(random() * pool.length) % pool.length] as string;
  return { baseUrl: `http://${picked}`, ready: ready.length > 0, candidates: [...ready, ...notReady].sort() };
}
