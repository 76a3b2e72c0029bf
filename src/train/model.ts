// The Llama model for training: one flat parameter buffer (and one gradient buffer) with named
// views driven by src/model/params.ts, activations kept for backward, and forward/backward
// written as a sequence of kernel calls (any `Kernels`: the TS reference or the native addon).
// Q|K|V and gate|up are adjacent in the table, so each pair/triple is one matmul over a fused
// weight. Not the optimizer (optim.ts) and not the data pipeline. Reference: llm.c train_gpt2.c.
import { headDim, type ModelConfig } from '../model/config.js';
import { paramOffsets, paramTable, type ParamSpec } from '../model/params.js';
import { ropeAttentionScale, ropeInvFreq } from '../model/rope.js';
import type { Kernels } from './kernels.js';

interface LayerActs {
  res: Float32Array; // [BT,C] block input (residual stream)
  rstd1: Float32Array; // [BT]
  xn1: Float32Array; // [BT,C]
  qkv: Float32Array; // [BT,QKV] q,k after RoPE
  att: Float32Array; // [B,NH,T,T]
  atty: Float32Array; // [BT,NH*hd] (= [BT,C] unless head_dim is set)
  res2: Float32Array; // [BT,C] after attention residual
  rstd2: Float32Array; // [BT]
  xn2: Float32Array; // [BT,C]
  gu: Float32Array; // [BT,2F]
  hsw: Float32Array; // [BT,F]
}

export interface ParamView {
  spec: ParamSpec;
  offset: number;
  size: number;
}

/** RoPE tables cos/sin [T, hd/2], angles in float64 then rounded (HF: θ^(−2i/hd)). */
export function ropeTables(T: number, hd: number, theta: number): { cos: Float32Array; sin: Float32Array } {
  const half = hd / 2;
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const f = Math.fround(1 / Math.pow(theta, (2 * i) / hd));
      const a = Math.fround(t * f);
      cos[t * half + i] = Math.cos(a);
      sin[t * half + i] = Math.sin(a);
    }
  }
  return { cos, sin };
}

/** RoPE tables for a model config: its (scaled) inverse frequencies, cos/sin times yarn's attention factor. */
export function ropeTablesFor(c: ModelConfig, T: number): { cos: Float32Array; sin: Float32Array } {
  const inv = ropeInvFreq(c);
  const half = inv.length;
  const m = ropeAttentionScale(c);
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const a = Math.fround(t * inv[i]!);
      cos[t * half + i] = Math.cos(a) * m;
      sin[t * half + i] = Math.sin(a) * m;
    }
  }
  return { cos, sin };
}

export class LlamaModel {
  readonly config: ModelConfig;
  readonly k: Kernels;
  readonly table: ParamView[];
  readonly numParams: number;
  readonly params: Float32Array;
  readonly grads: Float32Array;
  private B = 0;
  private T = 0;
  private acts: LayerActs[] = [];
  private emb!: Float32Array; // [BT,C] token embeddings = res of layer 0
  private resOut!: Float32Array; // [BT,C] last residual
  private xnf!: Float32Array;
  private rstdf!: Float32Array;
  /** [BT,V] logits after forward; dlogits after a training forward. */
  logits!: Float32Array;
  losses!: Float32Array;
  private tokens!: Int32Array;
  private cos!: Float32Array;
  private sin!: Float32Array;
  private scratch!: { dres: Float32Array; dxn: Float32Array; datty: Float32Array; dqkv: Float32Array; dgu: Float32Array; dhsw: Float32Array };

  constructor(config: ModelConfig, kernels: Kernels) {
    this.config = config;
    this.k = kernels;
    this.table = paramOffsets(paramTable(config));
    this.numParams = this.table.reduce((s, p) => s + p.size, 0);
    this.params = new Float32Array(this.numParams);
    this.grads = new Float32Array(this.numParams);
  }

  view(name: string, buf: Float32Array = this.params): Float32Array {
    const p = this.table.find((x) => x.spec.name === name);
    if (!p) throw new Error(`no parameter ${name}`);
    return buf.subarray(p.offset, p.offset + p.size);
  }

  /** View spanning `first` .. `last` (adjacent in the table): the fused QKV / gate-up weights. */
  private span(first: string, last: string, buf: Float32Array): Float32Array {
    const a = this.table.find((x) => x.spec.name === first)!;
    const b = this.table.find((x) => x.spec.name === last)!;
    return buf.subarray(a.offset, b.offset + b.size);
  }

  /** Parameters as a Map of canonical name → copy (for checkpoints). */
  paramMap(buf: Float32Array = this.params): Map<string, Float32Array> {
    return new Map(this.table.map((p) => [p.spec.name, buf.slice(p.offset, p.offset + p.size)]));
  }

  loadParams(map: Map<string, Float32Array>, buf: Float32Array = this.params): void {
    for (const p of this.table) {
      const t = map.get(p.spec.name);
      if (!t || t.length !== p.size) throw new Error(`parameter ${p.spec.name} missing or mis-sized`);
      buf.set(t, p.offset);
    }
  }

  private ensure(B: number, T: number): void {
    if (B === this.B && T === this.T) return;
    const c = this.config;
    const C = c.dim;
    const hd = headDim(c);
    const QKV = (c.nHeads + 2 * c.nKvHeads) * hd;
    const F = c.ffnDim;
    const BT = B * T;
    this.acts = [];
    for (let l = 0; l < c.nLayers; l++) {
      this.acts.push({
        res: new Float32Array(BT * C),
        rstd1: new Float32Array(BT),
        xn1: new Float32Array(BT * C),
        qkv: new Float32Array(BT * QKV),
        att: new Float32Array(B * c.nHeads * T * T),
        atty: new Float32Array(BT * c.nHeads * hd),
        res2: new Float32Array(BT * C),
        rstd2: new Float32Array(BT),
        xn2: new Float32Array(BT * C),
        gu: new Float32Array(BT * 2 * F),
        hsw: new Float32Array(BT * F),
      });
    }
    this.emb = this.acts[0]!.res;
    this.resOut = new Float32Array(BT * C);
    this.xnf = new Float32Array(BT * C);
    this.rstdf = new Float32Array(BT);
    this.logits = new Float32Array(BT * c.vocabSize);
    this.losses = new Float32Array(BT);
    this.tokens = new Int32Array(BT);
    ({ cos: this.cos, sin: this.sin } = ropeTablesFor(c, T));
    this.scratch = {
      dres: new Float32Array(BT * C),
      dxn: new Float32Array(BT * C),
      datty: new Float32Array(BT * c.nHeads * hd),
      dqkv: new Float32Array(BT * QKV),
      dgu: new Float32Array(BT * 2 * F),
      dhsw: new Float32Array(BT * F),
    };
    this.B = B;
    this.T = T;
  }

  /**
   * Forward over tokens[B*T]. With targets, returns the mean loss (nats) and, when dscale ≠ 0,
   * leaves dlogits·dscale in `logits` ready for backward(). Without targets, logits stay.
   */
  forward(tokens: Int32Array, targets: Int32Array | null, B: number, T: number, dscale = 0): number {
    this.ensure(B, T);
    const c = this.config;
    const k = this.k;
    const C = c.dim;
    const hd = headDim(c);
    const NH = c.nHeads;
    const NKV = c.nKvHeads;
    const QKV = (NH + 2 * NKV) * hd;
    const F = c.ffnDim;
    const V = c.vocabSize;
    const BT = B * T;
    this.tokens.set(tokens.subarray(0, BT));
    const wte = this.view('token_embd.weight');
    for (let i = 0; i < BT; i++) {
      const t = tokens[i]!;
      if (!(t >= 0 && t < V)) throw new Error(`token id ${t} out of range [0, ${V})`);
      this.emb.set(wte.subarray(t * C, t * C + C), i * C);
    }
    for (let l = 0; l < c.nLayers; l++) {
      const a = this.acts[l]!;
      const P = this.params;
      k.rmsnormForward(a.xn1, a.rstd1, a.res, this.view(`blk.${l}.attn_norm.weight`), BT, C, c.normEps);
      k.matmul(a.qkv, a.xn1, this.span(`blk.${l}.attn_q.weight`, `blk.${l}.attn_v.weight`, P), BT, QKV, C, false, true, false);
      k.rope(a.qkv, this.cos, this.sin, BT, T, QKV, NH + NKV, hd, false);
      k.attentionForward(a.atty, a.att, a.qkv, B, T, NH, NKV, hd);
      a.res2.set(a.res);
      k.matmul(a.res2, a.atty, this.view(`blk.${l}.attn_output.weight`), BT, C, NH * hd, false, true, true);
      k.rmsnormForward(a.xn2, a.rstd2, a.res2, this.view(`blk.${l}.ffn_norm.weight`), BT, C, c.normEps);
      k.matmul(a.gu, a.xn2, this.span(`blk.${l}.ffn_gate.weight`, `blk.${l}.ffn_up.weight`, P), BT, 2 * F, C, false, true, false);
      k.swigluForward(a.hsw, a.gu, BT, F);
      const next = l + 1 < c.nLayers ? this.acts[l + 1]!.res : this.resOut;
      next.set(a.res2);
      k.matmul(next, a.hsw, this.view(`blk.${l}.ffn_down.weight`), BT, C, F, false, true, true);
    }
    k.rmsnormForward(this.xnf, this.rstdf, this.resOut, this.view('output_norm.weight'), BT, C, c.normEps);
    k.matmul(this.logits, this.xnf, this.outW(this.params), BT, V, C, false, true, false);
    if (!targets) return NaN;
    k.crossEntropy(this.losses, this.logits, targets, BT, V, dscale);
    let s = 0;
    for (let i = 0; i < BT; i++) s += this.losses[i]!;
    return s / BT;
  }

  private outW(buf: Float32Array): Float32Array {
    return this.view(this.config.tiedEmbeddings ? 'token_embd.weight' : 'output.weight', buf);
  }

  /** Accumulates parameter gradients into `grads` (call after a forward with dscale ≠ 0). */
  backward(): void {
    const c = this.config;
    const k = this.k;
    const B = this.B;
    const T = this.T;
    const C = c.dim;
    const hd = headDim(c);
    const NH = c.nHeads;
    const NKV = c.nKvHeads;
    const QKV = (NH + 2 * NKV) * hd;
    const F = c.ffnDim;
    const V = c.vocabSize;
    const BT = B * T;
    const P = this.params;
    const G = this.grads;
    const s = this.scratch;
    const dlogits = this.logits;
    k.matmul(this.outW(G), dlogits, this.xnf, V, C, BT, true, false, true);
    k.matmul(s.dxn, dlogits, this.outW(P), BT, C, V, false, false, false);
    s.dres.fill(0);
    k.rmsnormBackward(s.dres, this.view('output_norm.weight', G), s.dxn, this.resOut, this.view('output_norm.weight'), this.rstdf, BT, C);
    for (let l = c.nLayers - 1; l >= 0; l--) {
      const a = this.acts[l]!;
      // res_out = res2 + hsw·Wdown^T
      k.matmul(this.view(`blk.${l}.ffn_down.weight`, G), s.dres, a.hsw, C, F, BT, true, false, true);
      k.matmul(s.dhsw, s.dres, this.view(`blk.${l}.ffn_down.weight`), BT, F, C, false, false, false);
      k.swigluBackward(s.dgu, s.dhsw, a.gu, BT, F);
      k.matmul(this.span(`blk.${l}.ffn_gate.weight`, `blk.${l}.ffn_up.weight`, G), s.dgu, a.xn2, 2 * F, C, BT, true, false, true);
      k.matmul(s.dxn, s.dgu, this.span(`blk.${l}.ffn_gate.weight`, `blk.${l}.ffn_up.weight`, P), BT, C, 2 * F, false, false, false);
      k.rmsnormBackward(s.dres, this.view(`blk.${l}.ffn_norm.weight`, G), s.dxn, a.res2, this.view(`blk.${l}.ffn_norm.weight`), a.rstd2, BT, C);
      // res2 = res + atty·Wo^T
      k.matmul(this.view(`blk.${l}.attn_output.weight`, G), s.dres, a.atty, C, NH * hd, BT, true, false, true);
      k.matmul(s.datty, s.dres, this.view(`blk.${l}.attn_output.weight`), BT, NH * hd, C, false, false, false);
      k.attentionBackward(s.dqkv, s.datty, a.qkv, a.att, B, T, NH, NKV, hd);
      k.rope(s.dqkv, this.cos, this.sin, BT, T, QKV, NH + NKV, hd, true);
      k.matmul(this.span(`blk.${l}.attn_q.weight`, `blk.${l}.attn_v.weight`, G), s.dqkv, a.xn1, QKV, C, BT, true, false, true);
      k.matmul(s.dxn, s.dqkv, this.span(`blk.${l}.attn_q.weight`, `blk.${l}.attn_v.weight`, P), BT, C, QKV, false, false, false);
      k.rmsnormBackward(s.dres, this.view(`blk.${l}.attn_norm.weight`, G), s.dxn, a.res, this.view(`blk.${l}.attn_norm.weight`), a.rstd1, BT, C);
    }
    const dwte = this.view('token_embd.weight', G);
    for (let i = 0; i < BT; i++) {
      const t = this.tokens[i]!;
      for (let j = 0; j < C; j++) dwte[t * C + j] = dwte[t * C + j]! + s.dres[i * C + j]!;
    }
  }

  zeroGrad(): void {
    this.grads.fill(0);
  }
}
