/**
 * A small seeded PRNG (mulberry32) so `--seed <n>` makes the demo's traffic reproducible.
 * Math.random cannot be seeded; crypto is overkill: the demo needs variety, not secrecy.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** Float in [min, max), rounded to `digits` decimals (as a producer would report it). */
  float(min: number, max: number, digits?: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Pick by weight: `[[item, weight], …]`; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** `n` lowercase hex characters (sha256 content hashes are 64). */
  hex(n: number): string;
  /** A version-4 UUID built from this generator (so event IDs repeat under a seed). */
  uuid(): string;
  /** An independent generator derived from this one (for a second, unrelated stream of choices). */
  fork(): Rng;
}

export function createRng(seed: number): Rng {
  // mulberry32: 32-bit state, period 2^32, good enough distribution for test traffic.
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const hex = (n: number): string => {
    let out = '';
    while (out.length < n)
      out += Math.floor(next() * 0x10000)
        .toString(16)
        .padStart(4, '0');
    return out.slice(0, n);
  };
  const rng: Rng = {
    next,
    int,
    float(min, max, digits = 2) {
      const f = 10 ** digits;
      return Math.round((min + next() * (max - min)) * f) / f;
    },
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted(items) {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r < 0) return item;
      }
      return items[items.length - 1][0];
    },
    hex,
    uuid() {
      const h = hex(32);
      const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    fork: () => createRng(Math.floor(next() * 4294967296)),
  };
  return rng;
}

/** A seed for when the user gave none: different each run, printed so a run can be repeated. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
