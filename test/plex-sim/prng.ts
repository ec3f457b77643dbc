// A small seeded PRNG (mulberry32) so the simulator's catalog is identical on every run for a given seed.
// Math.random() would make test expectations drift; a library is overkill for 10 lines.

export interface Prng {
  /** Float in [0, 1). */
  next(): number;
  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T;
  /** true with probability p. */
  chance(p: number): boolean;
  /** Lower-case hex string of the given length (for ids such as machineIdentifier). */
  hex(length: number): string;
}

export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick<T>(list: readonly T[]): T {
      if (list.length === 0) throw new Error('pick() needs a non-empty list');
      return list[int(0, list.length - 1)] as T;
    },
    chance: (p) => next() < p,
    hex(length) {
      let out = '';
      while (out.length < length) out += int(0, 15).toString(16);
      return out;
    },
  };
}
