// The SentencePiece-BPE family of HF `tokenizer.json` (Llama 2, Mistral, EuroLLM, Salamandra,
// anything transformers converts from a SentencePiece BPE model): added-token split → normalizer
// (Llama 2: Prepend("▁") + Replace(" ", "▁"); NFC/NFKC) → Metaspace pre-tokenizer (prepend_scheme
// always/first/never, split) → BPE over characters with byte fallback (`<0xE2>` tokens) → ids, and
// the decoder back (Replace ▁, ByteFallback, Fuse, Strip or Metaspace). Also its GGUF form for
// llama.cpp (`tokenizer.ggml.model = "llama"` with scores and token types). Not byte-level BPE
// (tokenizer.ts) and not Unigram. Reference: HF tokenizers models/bpe/word.rs (merge order:
// lowest rank, then leftmost), pre_tokenizers/metaspace.rs; llama.cpp llm_tokenizer_spm.
import { FormatError } from '../util/errors.js';
import { PairMap } from './pairmap.js';
import { addedTokenRe, readMerges, readVocab, templateIds, type AddedTokenJson, type DecodeOptions, type EncodeOptions, type TokenizerJson } from './tokenizer.js';

type Json = Record<string, unknown>;
const SPACE = '▁';

/** True when a tokenizer.json belongs to this family (byte fallback, Metaspace or a ▁ normalizer). */
export function isSentencePieceBpe(json: TokenizerJson): boolean {
  const m = json.model as Json | undefined;
  if (!m || (m.type !== undefined && m.type !== 'BPE')) return false;
  // Anything byte-level (pre-tokenizer or decoder) belongs to tokenizer.ts, which names what it refuses.
  if (/"type":"ByteLevel"/.test(JSON.stringify([json.pre_tokenizer ?? null, json.decoder ?? null]))) return false;
  if (m.byte_fallback === true) return true;
  const pre = json.pre_tokenizer as Json | null | undefined;
  if (pre?.type === 'Metaspace') return true;
  const norm = JSON.stringify(json.normalizer ?? null);
  return norm.includes('"Prepend"') && norm.includes(SPACE);
}

interface Pre {
  replacement: string;
  scheme: 'always' | 'first' | 'never';
  split: boolean;
}

export class SpmBpeTokenizer {
  readonly family = 'sentencepiece-bpe' as const;
  readonly tokens: string[];
  readonly vocab: Map<string, number>;
  readonly added: AddedTokenJson[];
  readonly merges: [string, string][];
  readonly ignoreMerges = false;
  readonly vocabSize: number;
  readonly json: TokenizerJson;
  readonly byteFallback: boolean;
  /** Whether encoding puts a ▁ before the text (llama.cpp `add_space_prefix`). */
  readonly addSpacePrefix: boolean;
  private readonly unkId: number | undefined;
  private readonly ranks: PairMap;
  private readonly mergeResult: Int32Array;
  /** Merge rank that first produces each token id (for GGUF scores), -1 if none. */
  readonly producedAt: Int32Array;
  private readonly byteIds = new Int32Array(256).fill(-1);
  private readonly normalize: ((s: string) => string) | null;
  private readonly pre: Pre | null;
  private readonly decodeSteps: ((toks: string[]) => string[])[];
  private readonly addedRe: RegExp | null;
  private readonly addedById = new Map<number, AddedTokenJson>();
  private readonly addedByContent = new Map<string, AddedTokenJson>();
  readonly prefixIds: number[];
  readonly suffixIds: number[];
  private cache = new Map<string, number[]>();

  constructor(json: TokenizerJson, source = 'tokenizer.json') {
    this.json = json;
    const m = json.model;
    const bad = (field: string, found: unknown, hint: string) => new FormatError(`unsupported tokenizer.json: ${field} ${JSON.stringify(found)}`, { file: source, hint });
    if (!m || typeof m !== 'object' || !m.vocab || !Array.isArray(m.merges)) throw new FormatError('malformed tokenizer.json: model needs vocab and merges', { file: source });
    if (m.dropout !== undefined && m.dropout !== null && m.dropout !== 0) throw bad('model.dropout', m.dropout, 'BPE dropout is a training-time option');
    if (m.continuing_subword_prefix) throw bad('model.continuing_subword_prefix', m.continuing_subword_prefix, 'SentencePiece BPE has no subword prefix');
    if (m.end_of_word_suffix) throw bad('model.end_of_word_suffix', m.end_of_word_suffix, 'SentencePiece BPE has no word suffix');
    if (m.ignore_merges) throw bad('model.ignore_merges', true, 'ignore_merges belongs to byte-level BPE (Llama 3)');
    this.byteFallback = m.byte_fallback === true;
    ({ vocab: this.vocab, added: this.added, tokens: this.tokens } = readVocab(m.vocab, json.added_tokens ?? [], source, this.addedById, this.addedByContent));
    this.vocabSize = this.tokens.length;
    this.unkId = typeof m.unk_token === 'string' ? this.vocab.get(m.unk_token) : undefined;
    for (let b = 0; b < 256; b++) {
      const id = this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
      if (id !== undefined) this.byteIds[b] = id;
    }

    ({ merges: this.merges, ranks: this.ranks, mergeResult: this.mergeResult } = readMerges(m.merges, this.vocab, source));
    this.producedAt = new Int32Array(this.vocabSize).fill(-1);
    for (let r = 0; r < this.mergeResult.length; r++) if (this.producedAt[this.mergeResult[r]!] === -1) this.producedAt[this.mergeResult[r]!] = r;

    this.normalize = buildNormalizer((json.normalizer as Json | null) ?? null, source);
    this.pre = buildPre((json.pre_tokenizer as Json | null) ?? null, source);
    const normStr = JSON.stringify(json.normalizer ?? null);
    this.addSpacePrefix = this.pre ? this.pre.scheme !== 'never' : normStr.includes('"Prepend"');
    if (!this.pre && !normStr.includes(SPACE)) throw bad('pre_tokenizer', json.pre_tokenizer ?? null, 'SentencePiece BPE needs a Metaspace pre-tokenizer or a normalizer that writes ▁');
    this.decodeSteps = buildDecoder((json.decoder as Json | null) ?? null, source);
    ({ prefixIds: this.prefixIds, suffixIds: this.suffixIds } = templateIds((json.post_processor as Json | null) ?? null, (t) => this.idOf(t)));
    this.addedRe = addedTokenRe(this.added);
  }

  /** Token ids of `text` (no bos/eos unless `addSpecialTokens`). */
  encode(text: string, opts: EncodeOptions = {}): number[] {
    const out: number[] = opts.addSpecialTokens ? [...this.prefixIds] : [];
    // Added tokens are matched on the raw text; the sections between them are normalized.
    const sections: (string | AddedTokenJson)[] = [];
    const offsets: number[] = [];
    if (this.addedRe) {
      const re = this.addedRe;
      re.lastIndex = 0;
      let last = 0;
      let mt: RegExpExecArray | null;
      while ((mt = re.exec(text)) !== null) {
        if (mt.index > last) {
          sections.push(text.slice(last, mt.index));
          offsets.push(last);
        }
        sections.push(this.addedByContent.get(mt[0])!);
        offsets.push(mt.index);
        last = mt.index + mt[0].length;
      }
      if (last < text.length) {
        sections.push(text.slice(last));
        offsets.push(last);
      }
    } else if (text.length) {
      sections.push(text);
      offsets.push(0);
    }
    for (let i = 0; i < sections.length; i++) {
      const s = sections[i]!;
      if (typeof s !== 'string') {
        out.push(s.id);
        continue;
      }
      let t = s;
      const prev = sections[i - 1];
      const next = sections[i + 1];
      if (typeof next === 'object' && next.lstrip) t = t.trimEnd();
      if (typeof prev === 'object' && prev.rstrip) t = t.trimStart();
      if (!t.length) continue;
      if (this.normalize) t = this.normalize(t);
      if (this.pre) {
        const r = this.pre.replacement;
        t = t.replaceAll(' ', r);
        if (t.length && !t.startsWith(r) && (this.pre.scheme === 'always' || (this.pre.scheme === 'first' && offsets[i] === 0))) t = r + t;
        if (this.pre.split) {
          let start = 0;
          for (let k = 1; k <= t.length; k++) {
            if (k === t.length || t.startsWith(r, k)) {
              if (k > start) this.encodeWord(t.slice(start, k), out);
              start = k;
            }
          }
          continue;
        }
      }
      this.encodeWord(t, out);
    }
    if (opts.addSpecialTokens) out.push(...this.suffixIds);
    return out;
  }

  count(text: string): number {
    return this.encode(text).length;
  }

  /** BPE over the characters of one pre-token: lowest merge rank first, leftmost among equals (a heap, like word.rs). */
  encodeWord(w: string, out: number[]): void {
    if (!w.length) return;
    const hit = w.length <= 64 ? this.cache.get(w) : undefined;
    if (hit) {
      for (const id of hit) out.push(id);
      return;
    }
    const ids: number[] = [];
    for (const ch of w) {
      const id = this.vocab.get(ch);
      if (id !== undefined) ids.push(id);
      else if (this.byteFallback) {
        const bytes = Buffer.from(ch, 'utf8');
        const bids = [...bytes].map((b) => this.byteIds[b]!);
        if (bids.every((b) => b >= 0)) ids.push(...bids);
        else if (this.unkId !== undefined) ids.push(this.unkId);
      } else if (this.unkId !== undefined) ids.push(this.unkId);
    }
    const n = ids.length;
    const sym = Int32Array.from(ids);
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    // Min-heap of (rank, pos) packed as rank * 2^21 + pos (pos < 2^21 characters per pre-token).
    const heap: number[] = [];
    const SH = 2097152;
    const push = (v: number): void => {
      heap.push(v);
      let i = heap.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (heap[p]! <= v) break;
        heap[i] = heap[p]!;
        i = p;
      }
      heap[i] = v;
    };
    const pop = (): number => {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length) {
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= heap.length) break;
          const c = l + 1 < heap.length && heap[l + 1]! < heap[l]! ? l + 1 : l;
          if (heap[c]! >= last) break;
          heap[i] = heap[c]!;
          i = c;
        }
        heap[i] = last;
      }
      return top;
    };
    const tryPair = (i: number): void => {
      const j = next[i]!;
      if (j < 0) return;
      const r = this.ranks.get(sym[i]!, sym[j]!);
      if (r >= 0) push(r * SH + i);
    };
    if (n > SH) throw new FormatError(`a pre-token of ${n} characters is too long to encode`);
    for (let i = 0; i < n - 1; i++) tryPair(i);
    while (heap.length) {
      const v = pop();
      const r = Math.floor(v / SH);
      const i = v - r * SH;
      if (sym[i]! < 0) continue; // merged away
      const j = next[i]!;
      if (j < 0 || this.ranks.get(sym[i]!, sym[j]!) !== r) continue; // stale entry
      sym[i] = this.mergeResult[r]!;
      sym[j] = -1;
      const k = next[j]!;
      next[i] = k;
      if (k >= 0) prev[k] = i;
      if (prev[i]! >= 0) tryPair(prev[i]!);
      tryPair(i);
    }
    const res: number[] = [];
    for (let i = 0; i >= 0 && i < n; i = next[i]!) res.push(sym[i]!);
    if (w.length <= 64) {
      if (this.cache.size > 1 << 16) this.cache.clear();
      this.cache.set(w, res);
    }
    for (const id of res) out.push(id);
  }

  /** Text of `ids` through the tokenizer.json decoder chain. */
  decode(ids: ArrayLike<number>, opts: DecodeOptions = {}): string {
    const toks: string[] = [];
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      const a = this.addedById.get(id);
      if (a && opts.skipSpecialTokens && a.special) continue;
      const t = this.tokens[id];
      if (t === undefined || (t === '' && !a)) throw new FormatError(`token id ${id} is outside the vocabulary (size ${this.vocabSize})`);
      toks.push(t);
    }
    let cur = toks;
    for (const step of this.decodeSteps) cur = step(cur);
    return cur.join('');
  }

  idOf(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.vocab.get(token);
  }

  /** GGUF score of a token: −(first merge rank producing it); pieces no merge produces rank below all merges. */
  score(id: number): number {
    const r = this.producedAt[id] ?? -1;
    return r >= 0 ? -r : -(this.merges.length + id);
  }
}

function buildNormalizer(n: Json | null, source: string): ((s: string) => string) | null {
  if (!n) return null;
  const one = (x: Json, path: string): ((s: string) => string) => {
    switch (x.type) {
      case 'Sequence': {
        const fs = ((x.normalizers as Json[]) ?? []).map((y, i) => one(y, `${path}.normalizers[${i}]`));
        return (s) => fs.reduce((acc, f) => f(acc), s);
      }
      case 'Prepend': {
        const p = String(x.prepend);
        return (s) => (s.length ? p + s : s);
      }
      case 'Replace': {
        const pat = x.pattern as { String?: string; Regex?: string };
        const content = String(x.content);
        if (typeof pat?.String === 'string') {
          const from = pat.String;
          return (s) => s.replaceAll(from, content);
        }
        throw new FormatError(`unsupported tokenizer.json: ${path} Replace with a regex pattern`, { file: source, hint: 'only string patterns are supported in SentencePiece normalizers' });
      }
      case 'NFC':
      case 'NFD':
      case 'NFKC':
      case 'NFKD': {
        const form = x.type;
        return (s) => s.normalize(form);
      }
      default:
        throw new FormatError(`unsupported tokenizer.json: ${path}.type ${JSON.stringify(x.type)}`, { file: source, hint: 'supported normalizers: Sequence, Prepend, Replace (string), NFC/NFD/NFKC/NFKD' });
    }
  };
  return one(n, 'normalizer');
}

function buildPre(p: Json | null, source: string): Pre | null {
  if (!p) return null;
  if (p.type === 'Sequence' && Array.isArray(p.pretokenizers) && p.pretokenizers.length === 1) return buildPre(p.pretokenizers[0] as Json, source);
  if (p.type !== 'Metaspace') throw new FormatError(`unsupported tokenizer.json: pre_tokenizer.type ${JSON.stringify(p.type)} in a SentencePiece BPE tokenizer`, { file: source, hint: 'supported: Metaspace, or none (Llama 2 normalizer)' });
  const scheme = typeof p.prepend_scheme === 'string' ? p.prepend_scheme : p.add_prefix_space === false ? 'never' : 'always';
  if (!['always', 'first', 'never'].includes(scheme)) throw new FormatError(`unsupported tokenizer.json: pre_tokenizer.prepend_scheme ${JSON.stringify(scheme)}`, { file: source });
  return { replacement: typeof p.replacement === 'string' ? p.replacement : SPACE, scheme: scheme as Pre['scheme'], split: p.split !== false };
}

function buildDecoder(d: Json | null, source: string): ((toks: string[]) => string[])[] {
  if (!d) return [(t) => [t.join('')]];
  const steps: ((toks: string[]) => string[])[] = [];
  const one = (x: Json, path: string): void => {
    switch (x.type) {
      case 'Sequence':
        ((x.decoders as Json[]) ?? []).forEach((y, i) => one(y, `${path}.decoders[${i}]`));
        return;
      case 'Replace': {
        const pat = x.pattern as { String?: string };
        if (typeof pat?.String !== 'string') throw new FormatError(`unsupported tokenizer.json: ${path} Replace with a regex pattern`, { file: source });
        const from = pat.String;
        const to = String(x.content);
        steps.push((t) => t.map((s) => s.replaceAll(from, to)));
        return;
      }
      case 'ByteFallback':
        steps.push((t) => {
          const out: string[] = [];
          let bytes: number[] = [];
          const flush = (): void => {
            if (!bytes.length) return;
            const dec = new TextDecoder('utf-8', { fatal: true });
            try {
              out.push(dec.decode(Uint8Array.from(bytes)));
            } catch {
              for (let i = 0; i < bytes.length; i++) out.push('\uFFFD');
            }
            bytes = [];
          };
          for (const s of t) {
            const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(s);
            if (m) bytes.push(parseInt(m[1]!, 16));
            else {
              flush();
              out.push(s);
            }
          }
          flush();
          return out;
        });
        return;
      case 'Fuse':
        steps.push((t) => [t.join('')]);
        return;
      case 'Strip': {
        const content = String(x.content ?? ' ');
        const start = Number(x.start ?? 0);
        const stop = Number(x.stop ?? 0);
        steps.push((t) =>
          t.map((s) => {
            let a = 0;
            let b = s.length;
            for (let k = 0; k < start && s.startsWith(content, a) && a < b; k++) a += content.length;
            for (let k = 0; k < stop && b - content.length >= a && s.slice(b - content.length, b) === content; k++) b -= content.length;
            return s.slice(a, b);
          }),
        );
        return;
      }
      case 'Metaspace': {
        const r = typeof x.replacement === 'string' ? x.replacement : SPACE;
        const strip = (typeof x.prepend_scheme === 'string' ? x.prepend_scheme : x.add_prefix_space === false ? 'never' : 'always') !== 'never';
        steps.push((t) =>
          t.map((s, i) => {
            const o = s.replaceAll(r, ' ');
            return i === 0 && strip && o.startsWith(' ') ? o.slice(1) : o;
          }),
        );
        return;
      }
      default:
        throw new FormatError(`unsupported tokenizer.json: ${path}.type ${JSON.stringify(x.type)}`, { file: source, hint: 'supported decoders: Sequence, Replace, ByteFallback, Fuse, Strip, Metaspace' });
    }
  };
  one(d, 'decoder');
  steps.push((t) => [t.join('')]);
  return steps;
}

/** GGUF token types (llama_token_type), as gguf-py's SentencePiece/LlamaHf vocabularies assign them. */
const TT = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

export interface SpmGgufMeta {
  model: 'llama';
  pre: 'default';
  tokens: string[];
  scores: number[];
  types: number[];
  addSpacePrefix: boolean;
  addBos: boolean;
  addEos: boolean;
  bos?: number;
  eos?: number;
  unk?: number;
  pad?: number;
}

/**
 * The `tokenizer.ggml.*` values for llama.cpp's SPM tokenizer. tokenizer.json carries no piece
 * scores, so each piece scores −(rank of the first merge that produces it): llama.cpp's SPM
 * merges the adjacent pair whose concatenation has the highest score, which then picks the same
 * merge as HF's lowest rank. Byte pieces `<0xXX>` are BYTE, the unk piece UNKNOWN, special added
 * tokens CONTROL, other added tokens USER_DEFINED, holes UNUSED `[PAD{i}]`.
 */
export function spmGgufMeta(tok: SpmBpeTokenizer, config: Record<string, unknown> = {}): SpmGgufMeta {
  const name = (k: string): string | undefined => {
    const v = config[k];
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
    return undefined;
  };
  const unkName = typeof tok.json.model.unk_token === 'string' ? tok.json.model.unk_token : (name('unk_token') ?? '<unk>');
  const unk = tok.idOf(unkName);
  const added = new Map(tok.added.map((a) => [a.id, a]));
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  for (let i = 0; i < tok.vocabSize; i++) {
    const t = tok.tokens[i]!;
    const a = added.get(i);
    if (t === '' && !a) {
      tokens.push(`[PAD${i}]`);
      scores.push(-1000);
      types.push(TT.UNUSED);
      continue;
    }
    tokens.push(t);
    scores.push(i === unk || a || /^<0x[0-9A-F]{2}>$/.test(t) ? 0 : tok.score(i));
    types.push(i === unk ? TT.UNKNOWN : a ? (a.special ? TT.CONTROL : TT.USER_DEFINED) : /^<0x[0-9A-F]{2}>$/.test(t) ? TT.BYTE : TT.NORMAL);
  }
  const bos = tok.idOf(name('bos_token') ?? '<s>');
  const eos = tok.idOf(name('eos_token') ?? '</s>');
  const padName = name('pad_token');
  const pad = padName !== undefined ? tok.idOf(padName) : undefined;
  // add_bos: the post-processor's template, else tokenizer_config.json's add_bos_token (Llama default true).
  const addBos = tok.prefixIds.length > 0 ? tok.prefixIds[0] === bos : config.add_bos_token !== false;
  const addEos = tok.suffixIds.length > 0 ? tok.suffixIds.at(-1) === eos : config.add_eos_token === true;
  return {
    model: 'llama',
    pre: 'default',
    tokens,
    scores,
    types,
    addSpacePrefix: tok.addSpacePrefix,
    addBos,
    addEos,
    ...(bos !== undefined ? { bos } : {}),
    ...(eos !== undefined ? { eos } : {}),
    ...(unk !== undefined ? { unk } : {}),
    ...(pad !== undefined ? { pad } : {}),
  };
}
