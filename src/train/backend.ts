// Picks the kernel set: the native addon (build/Release/oellm_kernels.node, built by node-gyp on
// `npm install` from src/train/native/kernels.cc) when it loads and the CPU has AVX2+FMA, else the
// TypeScript reference kernels. OELLM_KERNELS=ts forces the reference; OELLM_THREADS sets threads.
// Not a kernel implementation itself.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { refKernels, type Kernels } from './kernels.js';

interface NativeAddon extends Omit<Kernels, 'name'> {
  setThreads(n: number): void;
  getThreads(): number;
  supported(): boolean;
}

let cached: { addon: NativeAddon | null; error?: string } | undefined;

function findAddon(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'build', 'Release', 'oellm_kernels.node');
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  return undefined;
}

function loadAddon(): { addon: NativeAddon | null; error?: string } {
  if (cached) return cached;
  const path = findAddon();
  if (!path) return (cached = { addon: null, error: 'build/Release/oellm_kernels.node not found (run `npm install` or `npm rebuild`)' });
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    if (!addon.supported()) return (cached = { addon: null, error: 'CPU lacks AVX2/FMA' });
    const env = Number(process.env.OELLM_THREADS);
    addon.setThreads(env > 0 ? env : Math.max(1, Math.min(cpus().length, 8)));
    return (cached = { addon });
  } catch (e) {
    return (cached = { addon: null, error: (e as Error).message });
  }
}

/** The native kernels, or null (with the reason) when unavailable. */
export function nativeKernels(): { kernels: Kernels | null; error?: string; threads?: number } {
  const { addon, error } = loadAddon();
  if (!addon) return { kernels: null, ...(error !== undefined ? { error } : {}) };
  const k: Kernels = {
    name: `native-avx2 (${addon.getThreads()} threads)`,
    matmul: addon.matmul,
    rmsnormForward: addon.rmsnormForward,
    rmsnormBackward: addon.rmsnormBackward,
    rope: addon.rope,
    attentionForward: addon.attentionForward,
    attentionBackward: addon.attentionBackward,
    swigluForward: addon.swigluForward,
    swigluBackward: addon.swigluBackward,
    crossEntropy: addon.crossEntropy,
    sumSquares: addon.sumSquares,
    scale: addon.scale,
    adamw: addon.adamw,
  };
  return { kernels: k, threads: addon.getThreads() };
}

/** Sets the native thread count (no-op for the TS kernels). */
export function setThreads(n: number): void {
  loadAddon().addon?.setThreads(n);
}

/** Best available kernels: native unless OELLM_KERNELS=ts or it is missing. */
export function defaultKernels(): Kernels {
  if (process.env.OELLM_KERNELS === 'ts') return refKernels;
  return nativeKernels().kernels ?? refKernels;
}
