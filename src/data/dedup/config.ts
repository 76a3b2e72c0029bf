// Configuration of deduplication: exact (normalised-text sha256) and near-duplicate MinHash-LSH
// over word n-grams. Not the stages (signatures.ts, buckets.ts, clusters.ts, filter.ts).
// Reference: datatrove MinhashConfig (n_grams 5, 14 buckets × 8 hashes), Broder 1997.
import { z } from 'zod';

export const DedupConfigSchema = z
  .object({
    exact: z.boolean().default(true).describe('drop documents whose normalised text hash equals an earlier one'),
    minhash: z.boolean().default(true).describe('drop near-duplicates found by MinHash-LSH'),
    ngram: z.number().int().min(1).max(32).default(5).describe('word n-gram size of the shingles'),
    bands: z.number().int().min(1).max(64).default(14).describe('LSH bands (buckets); more bands: lower similarity threshold'),
    rows: z.number().int().min(1).max(32).default(8).describe('hashes per band; bands × rows hashes per document'),
    seed: z.number().int().nonnegative().default(1).describe('seed of the deterministic hash family'),
    threshold: z.number().min(0).max(1).optional().describe('informational only: Jaccard found with p=0.5 is (1-0.5^(1/b))^(1/r) ≈ 0.68 for 14×8 (rule of thumb (1/b)^(1/r) ≈ 0.72)'),
  })
  .strict();
export type DedupConfig = z.output<typeof DedupConfigSchema>;

/** Jaccard similarity at which a pair lands in a shared bucket with probability 1/2. */
export function lshThreshold(bands: number, rows: number): number {
  // P(candidate) = 1 - (1 - s^r)^b = 1/2  ⇒  s = (1 - 2^(-1/b))^(1/r)
  return Math.pow(1 - Math.pow(0.5, 1 / bands), 1 / rows);
}
