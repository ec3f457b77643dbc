// Stands in for @kubernetes/client-node's dist/serializer.js where its dist/cache.js (ListWatch) imports it (see
// register.ts): ListWatch only serializes its label and field selectors, strings, which the package's serializer
// returns as they are. Anything else is refused loudly rather than serialized differently.
export const ObjectSerializer = {
  serialize(data: unknown, type: string): unknown {
    if (type !== 'string' || (data !== undefined && typeof data !== 'string')) {
      throw new Error(`the operator's ListWatch serializer handles strings only, not ${type}`);
    }
    return data;
  },
};
