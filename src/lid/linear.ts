// A multinomial linear classifier over hashed features (./features.ts): scores = b + v·ΣW[f],
// v = 1/√(number of features), softmax on top. Weights are bucket-major [buckets][classes] so
// one feature touches one contiguous row. Also the compact file format of the shipped model.
// Not a trainer (./train.ts) and not the two-stage decision logic (./identify.ts).
// Reference: fastText's linear classifier without the hidden layer; CLD3 (hashed n-grams).
import { FormatError } from '../util/errors.js';
import { extract, featureCapacity, normalize, type FeatureSpec } from './features.js';
import { cyrlToLatn, detectScript } from './script.js';
import { dataKernels } from '../util/native-data.js';

export interface LinearHeader {
  /** What the model decides: `main` (all languages) or a confusable group (`bcms`, …). */
  name: string;
  /** Registry codes, one per class, in weight order. */
  classes: string[];
  spec: FeatureSpec;
  /** `latn`: Serbian-style Cyrillic is transliterated to Latin before features (BCMS group). */
  transliterate?: 'latn';
  /**
   * With `transliterate`: text that was Cyrillic before transliteration starts with the pseudo-word
   * SCRIPT_TOKEN, so the model can still learn what the script says (Cyrillic BCMS text is mostly Serbian).
   */
  scriptToken?: boolean;
}

/** The pseudo-word marking transliterated Cyrillic (ǂ is a letter no registry language uses). */
export const SCRIPT_TOKEN = 'ǂǂǂ';

/** The normalised text a model scores: transliterated for a `latn` group, with the script token if asked. */
export function prepare(text: string, header: LinearHeader): string {
  if (header.transliterate !== 'latn') return normalize(text);
  const latn = normalize(cyrlToLatn(text));
  return header.scriptToken && detectScript(text) === 'Cyrl' ? ` ${SCRIPT_TOKEN}${latn}` : latn;
}

export class LinearModel {
  readonly C: number;
  /** [2^bits][C] weights, bucket-major. */
  readonly W: Float32Array;
  /** [C] biases. */
  readonly b: Float32Array;
  private feats: Int32Array = new Int32Array(0);
  private cps: Int32Array = new Int32Array(0);

  /**
   * Loaded models keep the int8 weights as stored (q [2^bits][C], scale [C]) and score with
   * integer sums: a quarter of the memory of f32, so a feature's row is one cache line (the
   * scoring loop is memory-bound); then `W` is empty.
   */
  readonly quant?: { q: Int8Array; scale: Float32Array };
  private acc: Int32Array;
  /** Per-bucket occurrence counts of the features being scored (all 0 between calls). */
  private cnt?: Int32Array;
  private uniq: Int32Array = new Int32Array(0);

  constructor(
    readonly header: LinearHeader,
    W?: Float32Array,
    b?: Float32Array,
    quant?: { q: Int8Array; scale: Float32Array },
  ) {
    this.C = header.classes.length;
    const n = (1 << header.spec.bits) * this.C;
    this.W = W ?? new Float32Array(quant ? 0 : n);
    this.b = b ?? new Float32Array(this.C);
    if (quant) this.quant = quant;
    this.acc = new Int32Array(this.C);
    const have = quant ? quant.q.length : this.W.length;
    if (have !== n || this.b.length !== this.C) throw new FormatError(`model ${header.name}: weight shape mismatch`, { expected: `${n}+${this.C}`, found: `${have}+${this.b.length}` });
  }

  /** Features of already-normalised text; the returned view is reused by the next call. */
  features(norm: string): Int32Array {
    const cap = featureCapacity(norm.length, this.header.spec);
    if (this.feats.length < cap) this.feats = new Int32Array(cap * 2);
    if (this.cps.length < norm.length + 1) this.cps = new Int32Array(norm.length * 2 + 1);
    const n = extract(norm, this.header.spec, this.feats, this.cps);
    return this.feats.subarray(0, n);
  }

  /** Raw scores (logits) into `out` [C]. */
  scoresOf(feats: Int32Array, out: Float64Array): void {
    const C = this.C;
    const v0 = feats.length ? 1 / Math.sqrt(feats.length) : 0;
    if (this.quant) {
      const { q, scale } = this.quant;
      const acc = this.acc.fill(0);
      const n = feats.length;
      if (C < 16) {
        // narrow rows (the 4-class BCMS model): counting costs more than it saves
        let i = 0;
        for (; i + 4 <= n; i += 4) {
          const r0 = feats[i]! * C,
            r1 = feats[i + 1]! * C,
            r2 = feats[i + 2]! * C,
            r3 = feats[i + 3]! * C;
          for (let c = 0; c < C; c++) acc[c] = acc[c]! + q[r0 + c]! + q[r1 + c]! + q[r2 + c]! + q[r3 + c]!;
        }
        for (; i < n; i++) {
          const row = feats[i]! * C;
          for (let c = 0; c < C; c++) acc[c] = acc[c]! + q[row + c]!;
        }
        for (let c = 0; c < C; c++) out[c] = acc[c]! * scale[c]! * v0 + this.b[c]!;
        return;
      }
      // Wide rows: repeated features (a paragraph's letters, common n-grams: ~55 % of all) are
      // counted first, so each distinct row is read once and added count times; the integer
      // sums, and so the scores, are exactly those of adding every occurrence.
      const cnt = (this.cnt ??= new Int32Array(q.length / C));
      if (this.uniq.length < n) this.uniq = new Int32Array(n * 2);
      const uniq = this.uniq;
      const native = dataKernels();
      if (native) {
        // the same integer sums in C (src/data/native/data.cc)
        native.lidAccumulate(q, C, feats, cnt, uniq, acc);
        for (let c = 0; c < C; c++) out[c] = acc[c]! * scale[c]! * v0 + this.b[c]!;
        return;
      }
      let u = 0;
      for (let i = 0; i < n; i++) {
        const f = feats[i]!;
        if (cnt[f]!++ === 0) uniq[u++] = f;
      }
      let i = 0;
      // eight rows per pass: an eighth of the accumulator loads and stores (4 rows: ~20 % slower)
      for (; i + 8 <= u; i += 8) {
        const f0 = uniq[i]!,
          f1 = uniq[i + 1]!,
          f2 = uniq[i + 2]!,
          f3 = uniq[i + 3]!;
        const f4 = uniq[i + 4]!,
          f5 = uniq[i + 5]!,
          f6 = uniq[i + 6]!,
          f7 = uniq[i + 7]!;
        const k0 = cnt[f0]!,
          k1 = cnt[f1]!,
          k2 = cnt[f2]!,
          k3 = cnt[f3]!;
        const k4 = cnt[f4]!,
          k5 = cnt[f5]!,
          k6 = cnt[f6]!,
          k7 = cnt[f7]!;
        cnt[f0] = cnt[f1] = cnt[f2] = cnt[f3] = cnt[f4] = cnt[f5] = cnt[f6] = cnt[f7] = 0;
        const r0 = f0 * C,
          r1 = f1 * C,
          r2 = f2 * C,
          r3 = f3 * C;
        const r4 = f4 * C,
          r5 = f5 * C,
          r6 = f6 * C,
          r7 = f7 * C;
        for (let c = 0; c < C; c++) {
          acc[c] = acc[c]! + k0 * q[r0 + c]! + k1 * q[r1 + c]! + k2 * q[r2 + c]! + k3 * q[r3 + c]! + k4 * q[r4 + c]! + k5 * q[r5 + c]! + k6 * q[r6 + c]! + k7 * q[r7 + c]!;
        }
      }
      for (; i < u; i++) {
        const f = uniq[i]!;
        const k = cnt[f]!;
        cnt[f] = 0;
        const row = f * C;
        for (let c = 0; c < C; c++) acc[c] = acc[c]! + k * q[row + c]!;
      }
      for (let c = 0; c < C; c++) out[c] = acc[c]! * scale[c]! * v0 + this.b[c]!;
      return;
    }
    const W = this.W;
    for (let c = 0; c < C; c++) out[c] = 0;
    for (let i = 0; i < feats.length; i++) {
      const row = feats[i]! * C;
      for (let c = 0; c < C; c++) out[c] += W[row + c]!;
    }
    const v = feats.length ? 1 / Math.sqrt(feats.length) : 0;
    for (let c = 0; c < C; c++) out[c] = out[c]! * v + this.b[c]!;
  }

  /** Normalises the text and returns the logits. */
  scores(text: string, out: Float64Array): number {
    const f = this.features(normalize(text));
    this.scoresOf(f, out);
    return f.length;
  }
}

/** In-place softmax over out[0..n) restricted to `allowed` (others get 0). */
export function softmax(out: Float64Array, n: number, allowed?: Uint8Array): void {
  let max = -Infinity;
  for (let c = 0; c < n; c++) if ((!allowed || allowed[c]) && out[c]! > max) max = out[c]!;
  let sum = 0;
  for (let c = 0; c < n; c++) {
    const e = !allowed || allowed[c] ? Math.exp(out[c]! - max) : 0;
    out[c] = e;
    sum += e;
  }
  for (let c = 0; c < n; c++) out[c] = out[c]! / sum;
}

// ---- file format -------------------------------------------------------------------------
// "OLID" | u32 version | u32 header-bytes | header JSON (utf-8, padded to 4) |
// per model, in header order: f32 bias[C] | f32 scale[C] | i8 weights[2^bits][C] (padded to 4).
// Weights are quantised per class: w = q · scale[c], q ∈ [-127, 127].

export const MAGIC = 0x44494c4f; // "OLID" little-endian
export const VERSION = 1;

interface ModelFileHeader {
  version: number;
  /** Free-form provenance: training data, command, seed. */
  info: Record<string, unknown>;
  models: LinearHeader[];
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

export function serializeModels(info: Record<string, unknown>, models: LinearModel[]): Uint8Array {
  const header: ModelFileHeader = { version: VERSION, info, models: models.map((m) => m.header) };
  const hj = new TextEncoder().encode(JSON.stringify(header));
  let size = 12 + pad4(hj.length);
  for (const m of models) size += 8 * m.C + pad4(m.quant ? m.quant.q.length : m.W.length);
  const buf = new Uint8Array(size);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, VERSION, true);
  dv.setUint32(8, hj.length, true);
  buf.set(hj, 12);
  let o = 12 + pad4(hj.length);
  for (const m of models) {
    const C = m.C;
    if (m.quant) {
      // a loaded model: write its int8 weights back as they are
      for (let c = 0; c < C; c++) dv.setFloat32(o + 4 * c, m.b[c]!, true);
      for (let c = 0; c < C; c++) dv.setFloat32(o + 4 * (C + c), m.quant.scale[c]!, true);
      o += 8 * C;
      buf.set(new Uint8Array(m.quant.q.buffer, m.quant.q.byteOffset, m.quant.q.length), o);
      o += pad4(m.quant.q.length);
      continue;
    }
    const scale = new Float32Array(C);
    for (let i = 0; i < m.W.length; i++) {
      const c = i % C;
      const a = Math.abs(m.W[i]!);
      if (a > scale[c]!) scale[c] = a;
    }
    for (let c = 0; c < C; c++) scale[c] = scale[c]! / 127 || 1;
    for (let c = 0; c < C; c++) dv.setFloat32(o + 4 * c, m.b[c]!, true);
    for (let c = 0; c < C; c++) dv.setFloat32(o + 4 * (C + c), scale[c]!, true);
    o += 8 * C;
    for (let i = 0; i < m.W.length; i++) dv.setInt8(o + i, Math.round(m.W[i]! / scale[i % C]!));
    o += pad4(m.W.length);
  }
  return buf;
}

export function deserializeModels(buf: Uint8Array, file = '<buffer>'): { header: ModelFileHeader; models: LinearModel[] } {
  if (buf.length < 12) throw new FormatError('not an oellm LID model: file too short', { file, expected: '≥ 12 bytes', found: `${buf.length}` });
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, true);
  if (magic !== MAGIC) throw new FormatError('not an oellm LID model', { file, expected: 'magic "OLID"', found: `0x${magic.toString(16)}` });
  const version = dv.getUint32(4, true);
  if (version !== VERSION) throw new FormatError('unsupported oellm LID model version', { file, expected: `${VERSION}`, found: `${version}` });
  const hlen = dv.getUint32(8, true);
  if (12 + hlen > buf.length) throw new FormatError('truncated oellm LID model header', { file, offset: 12 });
  let header: ModelFileHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(12, 12 + hlen))) as ModelFileHeader;
  } catch (e) {
    throw new FormatError(`corrupt oellm LID model header: ${(e as Error).message}`, { file, offset: 12 });
  }
  let o = 12 + pad4(hlen);
  const models: LinearModel[] = [];
  for (const h of header.models) {
    const C = h.classes.length;
    const n = (1 << h.spec.bits) * C;
    if (o + 8 * C + n > buf.length) throw new FormatError(`truncated oellm LID model (${h.name} weights)`, { file, offset: o, expected: `${o + 8 * C + n} bytes`, found: `${buf.length}` });
    const b = new Float32Array(C);
    const scale = new Float32Array(C);
    for (let c = 0; c < C; c++) b[c] = dv.getFloat32(o + 4 * c, true);
    for (let c = 0; c < C; c++) scale[c] = dv.getFloat32(o + 4 * (C + c), true);
    o += 8 * C;
    const q = new Int8Array(n);
    q.set(new Int8Array(buf.buffer, buf.byteOffset + o, n));
    o += pad4(n);
    models.push(new LinearModel(h, undefined, b, { q, scale }));
  }
  return { header, models };
}
