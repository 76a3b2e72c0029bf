// mulberry32: the small deterministic PRNG (32-bit state, uniform in [0, 1)) that tests,
// benchmarks and the LID trainer share for reproducible shuffles and synthetic data. Not for
// cryptography and not the trainer's resumable RNG (src/train/rng.ts keeps its state in JSON).
// Reference: Tommy Ettinger's mulberry32 (public domain).

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
