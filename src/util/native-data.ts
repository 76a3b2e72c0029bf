// Loads the data-pipeline native kernels (build/Release/oellm_data.node, built by node-gyp on
// `npm install` from src/data/native/data.cc) once per thread, or null when the file is missing,
// fails to load or lacks a function (an addon from an older build): callers then run their
// TypeScript loop, which gives the same integers. OELLM_DATA_KERNELS=ts forces TypeScript.
// Not a kernel itself; the training kernels have their own loader (src/train/backend.ts).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DataKernels {
  /** acc[c] = Σ over distinct features f of count(f)·q[f·C + c]; cnt all 0 before and after; uniq ≥ feats.length. */
  lidAccumulate(q: Int8Array, C: number, feats: Int32Array, cnt: Int32Array, uniq: Int32Array, acc: Int32Array): void;
  /** out[i] = min over shingles s of fmix32(a[i]·s + b[i]) (uint32). */
  minhash(sh: Uint32Array, a: Uint32Array, b: Uint32Array, out: Uint32Array): void;
}

let cached: DataKernels | null | undefined;

export function dataKernels(): DataKernels | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (process.env.OELLM_DATA_KERNELS === 'ts') return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'build', 'Release', 'oellm_data.node');
    if (existsSync(p)) {
      try {
        const addon = createRequire(import.meta.url)(p) as Partial<DataKernels>;
        if (typeof addon.lidAccumulate === 'function' && typeof addon.minhash === 'function') cached = addon as DataKernels;
      } catch {
        // not loadable here (another platform's build): TypeScript loops
      }
      break;
    }
    dir = dirname(dir);
  }
  return cached;
}
