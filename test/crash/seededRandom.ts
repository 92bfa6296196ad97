/**
 * The crash suite's randomness, from `CRASH_SEED` (default 1): the same seed gives the same kill
 * points and the same choices, so a failure is reproduced by re-running with the seed it printed.
 */
export const CRASH_SEED = Number(process.env.CRASH_SEED ?? 1);

/** mulberry32: a small, well-mixed 32-bit generator. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max]. */
export function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
