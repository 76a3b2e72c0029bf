// Loader for the native block quantizers (build/Release/oellm_quants.node, built by node-gyp on
// `npm install` from src/quant/native/quants.cc): same bytes as the TypeScript quantizers, which
// stay the reference and the fallback. OELLM_QUANT=ts forces the TypeScript path. Not a quantizer
// itself and not a mixing policy. Reference: ggml/src/ggml-quants.c (what both implement).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NativeQuants {
  /** Encodes x (a multiple of the type's block) into out; types: NATIVE_QUANT_TYPES. */
  quantize(type: string, x: Float32Array, out: Uint8Array): void;
  /** Index of the first NaN/±inf in x, or -1. */
  firstNonFinite(x: Float32Array): number;
  /** Byte offset of the first inf/NaN f16 at `offset` in each `stride`-byte record, or -1. */
  firstF16Overflow(bytes: Uint8Array, stride: number, offset: number): number;
  supported(): boolean;
}

/** Types the native addon encodes (F32 is a copy, BF16 is not exported). */
export const NATIVE_QUANT_TYPES = new Set(['F16', 'Q8_0', 'Q4_0', 'Q5_0', 'Q4_K', 'Q6_K']);

let cached: { addon: NativeQuants | null; error?: string } | undefined;

function findAddon(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'build', 'Release', 'oellm_quants.node');
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  return undefined;
}

/** The native quantizers, or null with the reason (missing build, CPU without AVX2/F16C). */
export function nativeQuants(): { addon: NativeQuants | null; error?: string } {
  if (cached) return cached;
  const path = findAddon();
  if (!path) return (cached = { addon: null, error: 'build/Release/oellm_quants.node not found (run `npm install` or `npm rebuild`)' });
  try {
    const addon = createRequire(import.meta.url)(path) as NativeQuants;
    if (!addon.supported()) return (cached = { addon: null, error: 'CPU lacks AVX2/F16C' });
    return (cached = { addon });
  } catch (e) {
    return (cached = { addon: null, error: (e as Error).message });
  }
}

/** The addon to use for `type` now, or null (OELLM_QUANT=ts, not built, or type not native). */
export function nativeFor(type: string): NativeQuants | null {
  if (process.env.OELLM_QUANT === 'ts' || !NATIVE_QUANT_TYPES.has(type)) return null;
  return nativeQuants().addon;
}
