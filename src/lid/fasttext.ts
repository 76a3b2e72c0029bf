// Reader and predictor for fastText supervised models (`.bin`, and `.ftz` with product-
// quantised matrices), so users can plug in OpenLID, GlotLID or lid.176 as HPLT and FineWeb-2
// do. Labels (`__label__srp_Cyrl`, `__label__hr`) map to registry codes. Also a small writer of
// dense `.bin` files (tests build models with it). Not a trainer.
// Reference: facebookresearch/fastText src/{fasttext,args,dictionary,densematrix,quantmatrix,
// productquantizer,loss}.cc — format version 12.
import { findLanguage, UND } from '../lang/index.js';
import { FormatError } from '../util/errors.js';
import type { LangId, LidResult } from './identify.js';
import { detectScript } from './script.js';

export const FASTTEXT_MAGIC = 793712314; // 0x2F4F16BA
const FASTTEXT_VERSION = 12;
const LOSS = { hs: 1, ns: 2, softmax: 3, ova: 4 } as const;
const EOS = '</s>';

/** Extra aliases for labels fastText models use that the registry does not list. */
const LABEL_ALIASES: Record<string, string> = { ekk: 'et', nor: 'no', hbs: 'sr', sh: 'sr', swe: 'sv', lvs: 'lv', als: 'sq', sqi: 'sq', bos: 'bs', mol: 'ro' };

/**
 * `__label__srp_Cyrl` / `__label__sr` / `srp-Latn` → registry code and script (if named);
 * undefined when the language is not in the registry.
 */
export function mapFastTextLabel(label: string): { lang: string; script?: string } | undefined {
  const raw = label.replace(/^__label__/, '');
  const [base, script] = raw.split(/[-_]/) as [string, string | undefined];
  const l = findLanguage(LABEL_ALIASES[base.toLowerCase()] ?? base);
  if (!l) return undefined;
  const s = script && /^[A-Z][a-z]{3}$/.test(script) ? script : undefined;
  return s ? { lang: l.code, script: s } : { lang: l.code };
}

/** fastText's string hash: FNV-1a over bytes, each byte sign-extended (int8 → uint32). */
function ftHash(bytes: Uint8Array): number {
  let h = 2166136261;
  for (let i = 0; i < bytes.length; i++) h = Math.imul((h ^ ((bytes[i]! << 24) >> 24)) >>> 0, 16777619) >>> 0;
  return h >>> 0;
}

interface Matrix {
  m: number;
  n: number;
  /** x += row(i) · scale */
  addRow(x: Float32Array, i: number, scale: number): void;
  dotRow(x: Float32Array, i: number): number;
}

class DenseMatrix implements Matrix {
  constructor(
    readonly m: number,
    readonly n: number,
    readonly data: Float32Array,
  ) {}
  addRow(x: Float32Array, i: number, a: number): void {
    const o = i * this.n;
    for (let j = 0; j < this.n; j++) x[j] = x[j]! + a * this.data[o + j]!;
  }
  dotRow(x: Float32Array, i: number): number {
    const o = i * this.n;
    let s = 0;
    for (let j = 0; j < this.n; j++) s += x[j]! * this.data[o + j]!;
    return s;
  }
}

class ProductQuantizer {
  readonly ksub = 256;
  constructor(
    readonly dim: number,
    readonly nsubq: number,
    readonly dsub: number,
    readonly lastdsub: number,
    readonly centroids: Float32Array,
  ) {}
  /** Offset of centroid `i` of sub-quantiser `m`. */
  at(m: number, i: number): number {
    return m === this.nsubq - 1 ? m * this.ksub * this.dsub + i * this.lastdsub : (m * this.ksub + i) * this.dsub;
  }
}

class QuantMatrix implements Matrix {
  constructor(
    readonly m: number,
    readonly n: number,
    readonly codes: Uint8Array,
    readonly pq: ProductQuantizer,
    readonly normCodes?: Uint8Array,
    readonly npq?: ProductQuantizer,
  ) {}
  private norm(i: number): number {
    return this.normCodes && this.npq ? this.npq.centroids[this.npq.at(0, this.normCodes[i]!)]! : 1;
  }
  addRow(x: Float32Array, i: number, a: number): void {
    const { pq } = this;
    const s = a * this.norm(i);
    for (let m = 0; m < pq.nsubq; m++) {
      const d = m === pq.nsubq - 1 ? pq.lastdsub : pq.dsub;
      const c = pq.at(m, this.codes[m + pq.nsubq * i]!);
      for (let k = 0; k < d; k++) x[m * pq.dsub + k] = x[m * pq.dsub + k]! + s * pq.centroids[c + k]!;
    }
  }
  dotRow(x: Float32Array, i: number): number {
    const { pq } = this;
    let r = 0;
    for (let m = 0; m < pq.nsubq; m++) {
      const d = m === pq.nsubq - 1 ? pq.lastdsub : pq.dsub;
      const c = pq.at(m, this.codes[m + pq.nsubq * i]!);
      for (let k = 0; k < d; k++) r += x[m * pq.dsub + k]! * pq.centroids[c + k]!;
    }
    return r * this.norm(i);
  }
}

class Reader {
  o = 0;
  readonly dv: DataView;
  constructor(
    readonly buf: Uint8Array,
    readonly file: string,
  ) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  need(n: number, what: string): void {
    if (this.o + n > this.buf.length) throw new FormatError(`truncated fastText model while reading ${what}`, { file: this.file, offset: this.o, expected: `${n} more bytes`, found: `${this.buf.length - this.o}` });
  }
  i32(what = 'int32'): number {
    this.need(4, what);
    const v = this.dv.getInt32(this.o, true);
    this.o += 4;
    return v;
  }
  i64(what = 'int64'): number {
    this.need(8, what);
    const v = this.dv.getBigInt64(this.o, true);
    this.o += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError(`implausible ${what} in fastText model`, { file: this.file, offset: this.o - 8, found: v.toString() });
    return Number(v);
  }
  f64(): number {
    this.need(8, 'double');
    const v = this.dv.getFloat64(this.o, true);
    this.o += 8;
    return v;
  }
  u8(what = 'byte'): number {
    this.need(1, what);
    return this.buf[this.o++]!;
  }
  f32s(n: number, what: string): Float32Array {
    this.need(n * 4, what);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.dv.getFloat32(this.o + 4 * i, true);
    this.o += n * 4;
    return out;
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = this.buf.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }
  cstr(): Uint8Array {
    const end = this.buf.indexOf(0, this.o);
    if (end < 0) throw new FormatError('truncated fastText dictionary entry', { file: this.file, offset: this.o });
    const v = this.buf.subarray(this.o, end);
    this.o = end + 1;
    return v;
  }
  pq(): ProductQuantizer {
    const dim = this.i32('pq dim');
    const nsubq = this.i32('pq nsubq');
    const dsub = this.i32('pq dsub');
    const lastdsub = this.i32('pq lastdsub');
    return new ProductQuantizer(dim, nsubq, dsub, lastdsub, this.f32s(dim * 256, 'pq centroids'));
  }
  matrix(quant: boolean, what: string): Matrix {
    if (!quant) {
      const m = this.i64(`${what} rows`);
      const n = this.i64(`${what} cols`);
      return new DenseMatrix(m, n, this.f32s(m * n, what));
    }
    const qnorm = this.u8() !== 0;
    const m = this.i64(`${what} rows`);
    const n = this.i64(`${what} cols`);
    const codesize = this.i32(`${what} codesize`);
    const codes = this.bytes(codesize, `${what} codes`);
    const pq = this.pq();
    if (!qnorm) return new QuantMatrix(m, n, codes, pq);
    const normCodes = this.bytes(m, `${what} norm codes`);
    return new QuantMatrix(m, n, codes, pq, normCodes, this.pq());
  }
}

interface FastTextArgs {
  dim: number;
  ws: number;
  epoch: number;
  minCount: number;
  neg: number;
  wordNgrams: number;
  loss: number;
  model: number;
  bucket: number;
  minn: number;
  maxn: number;
  lrUpdateRate: number;
  t: number;
}

interface FastTextOptions {
  threshold?: number;
  file?: string;
  unknownLabels?: 'und' | 'pass';
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A fastText supervised model behind the LangId interface. */
export class FastTextLid implements LangId {
  readonly threshold: number;
  readonly languages: readonly string[];
  private readonly word2id = new Map<string, number>();
  private readonly subwords: Int32Array[] = [];
  private readonly mapped: ({ lang: string; script?: string } | undefined)[];
  private tree?: { left: Int32Array; right: Int32Array };
  private readonly hidden: Float32Array;
  private readonly out: Float32Array;

  private constructor(
    readonly args: FastTextArgs,
    readonly labels: string[],
    private readonly nwords: number,
    private readonly pruneidx: Map<number, number> | null,
    private readonly input: Matrix,
    private readonly output: Matrix,
    words: string[],
    labelCounts: number[],
    private readonly unknownLabels: 'und' | 'pass',
    threshold: number,
  ) {
    this.threshold = threshold;
    words.forEach((w, i) => this.word2id.set(w, i));
    for (let i = 0; i < words.length; i++) {
      const ids = [i];
      if (words[i] !== EOS) this.charNgrams('<' + words[i] + '>', ids);
      this.subwords.push(Int32Array.from(ids));
    }
    this.mapped = labels.map(mapFastTextLabel);
    this.languages = [...new Set(labels.map((l, i) => this.mapped[i]?.lang ?? (unknownLabels === 'pass' ? l.replace(/^__label__/, '') : UND)))];
    this.hidden = new Float32Array(args.dim);
    this.out = new Float32Array(labels.length);
    if (args.loss === LOSS.hs) this.buildTree(labelCounts);
  }

  static fromBytes(buf: Uint8Array, opts: FastTextOptions = {}): FastTextLid {
    const file = opts.file ?? '<buffer>';
    const r = new Reader(buf, file);
    const magic = r.i32('magic');
    if (magic !== FASTTEXT_MAGIC) throw new FormatError('not a fastText model', { file, offset: 0, expected: `magic ${FASTTEXT_MAGIC}`, found: `${magic}` });
    const version = r.i32('version');
    if (version > FASTTEXT_VERSION) throw new FormatError('unsupported fastText model version', { file, offset: 4, expected: `≤ ${FASTTEXT_VERSION}`, found: `${version}` });
    const a: FastTextArgs = {
      dim: r.i32(),
      ws: r.i32(),
      epoch: r.i32(),
      minCount: r.i32(),
      neg: r.i32(),
      wordNgrams: r.i32(),
      loss: r.i32(),
      model: r.i32(),
      bucket: r.i32(),
      minn: r.i32(),
      maxn: r.i32(),
      lrUpdateRate: r.i32(),
      t: r.f64(),
    };
    if (a.model !== 3) throw new FormatError('fastText model is not a supervised classifier', { file, expected: 'model = sup (3)', found: `${a.model}`, hint: 'language identification needs a model trained with `fasttext supervised`' });
    if (a.dim <= 0 || a.dim > 4096 || a.bucket < 0 || a.maxn > 64) throw new FormatError('implausible fastText model arguments (corrupt file?)', { file, offset: 8, found: `dim=${a.dim} bucket=${a.bucket} maxn=${a.maxn}` });
    const size = r.i32('dictionary size');
    const nwords = r.i32('nwords');
    const nlabels = r.i32('nlabels');
    r.i64('ntokens');
    const pruneSize = r.i64('pruneidx size');
    if (size < 0 || nwords < 0 || nlabels <= 0 || nwords + nlabels !== size) throw new FormatError('corrupt fastText dictionary header', { file, found: `size=${size} nwords=${nwords} nlabels=${nlabels}` });
    const words: string[] = [];
    const labels: string[] = [];
    const labelCounts: number[] = [];
    for (let i = 0; i < size; i++) {
      const w = dec.decode(r.cstr());
      const count = r.i64('entry count');
      const type = r.u8('entry type');
      if (type === 0) words.push(w);
      else {
        labels.push(w);
        labelCounts.push(count);
      }
    }
    let pruneidx: Map<number, number> | null = null;
    if (pruneSize >= 0) {
      pruneidx = new Map();
      for (let i = 0; i < pruneSize; i++) pruneidx.set(r.i32(), r.i32());
    }
    const input = r.matrix(r.u8('quant flag') !== 0, 'input matrix');
    const output = r.matrix(r.u8('qout flag') !== 0, 'output matrix');
    if (input.n !== a.dim || output.n !== a.dim || output.m !== nlabels)
      throw new FormatError('fastText matrix shapes do not match the arguments', { file, expected: `dim ${a.dim}, ${nlabels} output rows`, found: `in ${input.m}×${input.n}, out ${output.m}×${output.n}` });
    return new FastTextLid(a, labels, nwords, pruneidx, input, output, words, labelCounts, opts.unknownLabels ?? 'und', opts.threshold ?? 0.5);
  }

  private pushHash(ids: number[], id: number): void {
    if (this.pruneidx) {
      if (this.pruneidx.size === 0) return;
      const p = this.pruneidx.get(id);
      if (p === undefined) return;
      id = p;
    }
    ids.push(this.nwords + id);
  }

  /** Dictionary::computeSubwords: char n-grams over UTF-8 characters of `<word>`. */
  private charNgrams(word: string, ids: number[]): void {
    const { minn, maxn, bucket } = this.args;
    if (maxn <= 0 || bucket <= 0) return;
    const b = enc.encode(word);
    for (let i = 0; i < b.length; i++) {
      if ((b[i]! & 0xc0) === 0x80) continue;
      let j = i;
      for (let n = 1; j < b.length && n <= maxn; n++) {
        j++;
        while (j < b.length && (b[j]! & 0xc0) === 0x80) j++;
        if (n >= minn && !(n === 1 && (i === 0 || j === b.length))) this.pushHash(ids, ftHash(b.subarray(i, j)) % bucket);
      }
    }
  }

  /** Dictionary::getLine for one line of text (+ EOS), with word n-grams. */
  private lineIds(text: string): number[] {
    const ids: number[] = [];
    const hashes: number[] = [];
    const tokens = text.split(/[ \n\t\v\f\r\0]+/).filter((t) => t.length > 0);
    tokens.push(EOS);
    for (const t of tokens) {
      const wid = this.word2id.get(t);
      if (t.startsWith('__label__') && wid === undefined) continue;
      if (wid === undefined) {
        this.charNgrams('<' + t + '>', ids);
      } else for (const s of this.subwords[wid]!) ids.push(s);
      hashes.push(ftHash(enc.encode(t)) | 0);
    }
    const n = this.args.wordNgrams;
    if (n > 1) {
      const bucket = BigInt(this.args.bucket);
      const M = (1n << 64n) - 1n;
      for (let i = 0; i < hashes.length; i++) {
        let h = BigInt.asUintN(64, BigInt(hashes[i]!));
        for (let j = i + 1; j < hashes.length && j < i + n; j++) {
          h = (h * 116049371n + BigInt.asUintN(64, BigInt(hashes[j]!))) & M;
          this.pushHash(ids, Number(h % bucket));
        }
      }
    }
    return ids;
  }

  private buildTree(counts: number[]): void {
    const osz = counts.length;
    const N = 2 * osz - 1;
    const count = new Float64Array(N).fill(1e15);
    const left = new Int32Array(N).fill(-1);
    const right = new Int32Array(N).fill(-1);
    for (let i = 0; i < osz; i++) count[i] = counts[i]!;
    let leaf = osz - 1;
    let node = osz;
    for (let i = osz; i < N; i++) {
      const mini = [0, 0];
      for (let j = 0; j < 2; j++) mini[j] = leaf >= 0 && count[leaf]! < count[node]! ? leaf-- : node++;
      left[i] = mini[0]!;
      right[i] = mini[1]!;
      count[i] = count[mini[0]!]! + count[mini[1]!]!;
    }
    this.tree = { left, right };
  }

  /** Label probabilities, best first (all labels for softmax/ova; the k best paths for hs). */
  predict(text: string, k: number): { label: number; p: number }[] {
    const ids = this.lineIds(text.replace(/\n/g, ' '));
    const h = this.hidden.fill(0);
    if (!ids.length) return [];
    for (const id of ids) this.input.addRow(h, id, 1 / ids.length);
    const L = this.labels.length;
    const stdLog = (x: number) => Math.log(x + 1e-5);
    if (this.tree) {
      const heap: { label: number; s: number }[] = [];
      const { left, right } = this.tree;
      const dfs = (nd: number, s: number): void => {
        if (heap.length === k && s < heap[heap.length - 1]!.s) return;
        if (left[nd] === -1 && right[nd] === -1) {
          heap.push({ label: nd, s });
          heap.sort((a, b) => b.s - a.s);
          if (heap.length > k) heap.pop();
          return;
        }
        const f = 1 / (1 + Math.exp(-this.output.dotRow(h, nd - L)));
        dfs(left[nd]!, s + stdLog(1 - f));
        dfs(right[nd]!, s + stdLog(f));
      };
      dfs(2 * L - 2, 0);
      return heap.map((x) => ({ label: x.label, p: Math.exp(x.s) }));
    }
    const o = this.out;
    for (let i = 0; i < L; i++) o[i] = this.output.dotRow(h, i);
    if (this.args.loss === LOSS.ova) for (let i = 0; i < L; i++) o[i] = 1 / (1 + Math.exp(-o[i]!));
    else {
      let max = -Infinity;
      for (let i = 0; i < L; i++) max = Math.max(max, o[i]!);
      let sum = 0;
      for (let i = 0; i < L; i++) sum += o[i] = Math.exp(o[i]! - max);
      for (let i = 0; i < L; i++) o[i] = o[i]! / sum;
    }
    return [...o.keys()]
      .sort((a, b) => o[b]! - o[a]! || a - b)
      .slice(0, k)
      .map((i) => ({ label: i, p: o[i]! }));
  }

  private toResult(label: number, p: number, text: string): LidResult {
    const m = this.mapped[label];
    const lang = m?.lang ?? (this.unknownLabels === 'pass' ? this.labels[label]!.replace(/^__label__/, '') : UND);
    return { lang, script: m?.script ?? detectScript(text), score: Math.round(p * 1e4) / 1e4 };
  }

  identify(text: string): LidResult {
    const top = this.predict(text, 1)[0];
    if (!top) return { lang: UND, script: 'Zyyy', score: 0 };
    const r = this.toResult(top.label, top.p, text);
    return r.score >= this.threshold ? r : { ...r, lang: UND };
  }

  identifyTop(text: string, k: number): LidResult[] {
    const top = this.predict(text, Math.max(1, k));
    return top.length ? top.map((t) => this.toResult(t.label, t.p, text)) : [{ lang: UND, script: 'Zyyy', score: 0 }];
  }
}

/** A dense supervised fastText model to write (tests, small user models). */
interface FastTextBinSpec {
  dim: number;
  words: { word: string; count: number }[];
  labels: { label: string; count: number }[];
  /** [(nwords + bucket) × dim] */
  input: Float32Array;
  /** [nlabels × dim] (for hs, row i is inner node nlabels + i) */
  output: Float32Array;
  bucket: number;
  minn: number;
  maxn: number;
  wordNgrams?: number;
  loss?: keyof typeof LOSS;
}

/** Writes a dense (non-quantised) fastText `.bin`, version 12. */
export function writeFastTextBin(s: FastTextBinSpec): Uint8Array {
  const parts: Uint8Array[] = [];
  const i32 = (...v: number[]) => {
    const b = new Uint8Array(4 * v.length);
    const dv = new DataView(b.buffer);
    v.forEach((x, i) => dv.setInt32(4 * i, x, true));
    parts.push(b);
  };
  const i64 = (v: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(v), true);
    parts.push(b);
  };
  const f64 = (v: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    parts.push(b);
  };
  const f32s = (v: Float32Array) => {
    const b = new Uint8Array(v.length * 4);
    const dv = new DataView(b.buffer);
    v.forEach((x, i) => dv.setFloat32(4 * i, x, true));
    parts.push(b);
  };
  i32(FASTTEXT_MAGIC, FASTTEXT_VERSION);
  i32(s.dim, 5, 5, 1, 5, s.wordNgrams ?? 1, LOSS[s.loss ?? 'softmax'], 3, s.bucket, s.minn, s.maxn, 100);
  f64(1e-4);
  i32(s.words.length + s.labels.length, s.words.length, s.labels.length);
  i64(s.words.reduce((a, w) => a + w.count, 0));
  i64(-1);
  for (const w of s.words) {
    parts.push(enc.encode(w.word), new Uint8Array([0]));
    i64(w.count);
    parts.push(new Uint8Array([0]));
  }
  for (const l of s.labels) {
    parts.push(enc.encode(l.label), new Uint8Array([0]));
    i64(l.count);
    parts.push(new Uint8Array([1]));
  }
  parts.push(new Uint8Array([0]));
  i64(s.words.length + s.bucket);
  i64(s.dim);
  f32s(s.input);
  parts.push(new Uint8Array([0]));
  i64(s.output.length / s.dim);
  i64(s.dim);
  f32s(s.output);
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
