// Just enough of Kubernetes quantities to size Redis' maxmemory from its container's memory limit.

const BINARY = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 } as const;
const DECIMAL = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 } as const;

/** Bytes in a memory quantity such as `128Mi`, `1G` or `134217728`; undefined when it is not one. */
export function memoryBytes(quantity: string | number | undefined): number | undefined {
  if (quantity === undefined) return undefined;
  if (typeof quantity === 'number') return quantity;
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const suffix = match[2] as keyof typeof BINARY | keyof typeof DECIMAL | undefined;
  if (suffix === undefined) return value;
  return (
    value *
    (suffix in BINARY ? BINARY[suffix as keyof typeof BINARY] : DECIMAL[suffix as keyof typeof DECIMAL])
  );
}
