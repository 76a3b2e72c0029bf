// A byte-level BPE tokenizer loaded from a Hugging Face `tokenizer.json` (ours, Llama 3,
// EuroLLM/Salamandra-style): added-token split → normalizer → pre-tokenizer (Split + ByteLevel)
// → rank-ordered BPE merges → ids, and the byte-level decoder back to text.
// Not a trainer (trainer.ts) and not every HF component: WordPiece, Unigram, Metaspace,
// byte_fallback etc. are refused with an error naming the unsupported field.
// Reference: HF tokenizers (Rust) `models/bpe/word.rs` merge order (lowest rank, then leftmost).
import { FormatError } from '../util/errors.js';
import { BYTE_TO_CHAR, CHAR_TO_BYTE, utf8Into } from './bytes.js';
import { PairMap } from './pairmap.js';
import { compilePattern, GPT2_PATTERN, LLAMA3_PATTERN, splitIsolated } from './pretokenize.js';

/** The subset of HF `tokenizer.json` we read (other keys are checked in `fromJson`). */
export interface TokenizerJson {
  version?: string;
  truncation?: unknown;
  padding?: unknown;
  added_tokens?: AddedTokenJson[];
  normalizer?: Record<string, unknown> | null;
  pre_tokenizer?: Record<string, unknown> | null;
  post_processor?: Record<string, unknown> | null;
  decoder?: Record<string, unknown> | null;
  model: {
    type?: string;
    vocab: Record<string, number>;
    merges: (string | [string, string])[];
    ignore_merges?: boolean;
    byte_fallback?: boolean;
    dropout?: number | null;
    unk_token?: string | null;
    continuing_subword_prefix?: string | null;
    end_of_word_suffix?: string | null;
    fuse_unk?: boolean;
  };
}

export interface AddedTokenJson {
  id: number;
  content: string;
  single_word?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
  special?: boolean;
}

type PreStep = { kind: 'split'; re: RegExp } | { kind: 'bytelevel'; prefixSpace: boolean; re: RegExp | null };

export interface EncodeOptions {
  /** Add the post-processor's special tokens (e.g. bos) like HF `add_special_tokens`. Default false. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  skipSpecialTokens?: boolean;
}

const MAX_CACHE = 1 << 18;

/**
 * The vocabulary of a tokenizer.json (model.vocab + added_tokens), checked: ids are non-negative
 * integers, added tokens have id and content, no `single_word`. Fills the two added-token maps and
 * returns the id → string table (gaps are ''). Shared by the byte-level and SentencePiece families.
 */
export function readVocab(
  vocabJson: Record<string, number>,
  added: AddedTokenJson[],
  source: string,
  addedById: Map<number, AddedTokenJson>,
  addedByContent: Map<string, AddedTokenJson>,
): { vocab: Map<string, number>; added: AddedTokenJson[]; tokens: string[] } {
  const vocab = new Map<string, number>();
  let maxId = -1;
  for (const [tok, id] of Object.entries(vocabJson)) {
    if (!Number.isInteger(id) || id < 0) throw new FormatError(`malformed tokenizer.json: model.vocab[${JSON.stringify(tok)}] is not a non-negative integer`, { file: source });
    vocab.set(tok, id);
    if (id > maxId) maxId = id;
  }
  for (const a of added) {
    if (typeof a.content !== 'string' || !Number.isInteger(a.id)) throw new FormatError('malformed tokenizer.json: added_tokens entry needs `id` and `content`', { file: source });
    if (a.single_word) throw new FormatError(`unsupported tokenizer.json: added_tokens[${a.id}].single_word true`, { file: source, hint: 'single_word added tokens are not supported' });
    addedById.set(a.id, a);
    addedByContent.set(a.content, a);
    if (a.id > maxId) maxId = a.id;
  }
  const tokens = new Array<string>(maxId + 1).fill('');
  for (const [t, id] of vocab) tokens[id] = t;
  for (const a of added) tokens[a.id] = a.content;
  return { vocab, added, tokens };
}

export class Tokenizer {
  /** Token string by id (added tokens included); holes are ''. */
  readonly tokens: string[];
  readonly vocab: Map<string, number>;
  readonly added: AddedTokenJson[];
  /** Merges as [left, right] token strings in rank order. */
  readonly merges: [string, string][];
  readonly ignoreMerges: boolean;
  readonly vocabSize: number;
  readonly json: TokenizerJson;
  private readonly byteToId = new Int32Array(256);
  private readonly ranks: PairMap;
  private readonly mergeResult: Int32Array;
  private readonly pre: PreStep[];
  private readonly single: RegExp | null = null;
  private readonly normalize: ((s: string) => string) | null;
  private readonly addedRe: RegExp | null;
  private readonly addedById = new Map<number, AddedTokenJson>();
  private readonly addedByContent = new Map<string, AddedTokenJson>();
  private readonly prefixIds: number[];
  private readonly suffixIds: number[];
  private cache = new Map<string, number[] | number>();
  private buf = new Uint8Array(1024);
  private sym = new Int32Array(1024);
  private rk = new Int32Array(1024);

  constructor(json: TokenizerJson, source = 'tokenizer.json') {
    this.json = json;
    const m = json.model;
    const bad = (field: string, found: unknown, hint: string) => new FormatError(`unsupported tokenizer.json: ${field} ${typeof found === 'string' ? found : JSON.stringify(found)}`, { file: source, hint });
    if (!m || typeof m !== 'object') throw new FormatError('malformed tokenizer.json: no `model` object', { file: source });
    if (m.type !== undefined && m.type !== 'BPE') throw bad('model.type', m.type, 'only byte-level BPE models are supported');
    if (!m.vocab || typeof m.vocab !== 'object' || Array.isArray(m.vocab)) throw new FormatError('malformed tokenizer.json: `model.vocab` must be an object', { file: source });
    if (!Array.isArray(m.merges)) throw new FormatError('malformed tokenizer.json: `model.merges` must be an array', { file: source });
    if (m.byte_fallback) throw bad('model.byte_fallback', true, 'byte_fallback (SentencePiece-style BPE) is not byte-level BPE');
    if (m.dropout !== undefined && m.dropout !== null && m.dropout !== 0) throw bad('model.dropout', m.dropout, 'BPE dropout is a training-time option');
    if (m.continuing_subword_prefix) throw bad('model.continuing_subword_prefix', m.continuing_subword_prefix, 'only byte-level BPE without subword prefixes');
    if (m.end_of_word_suffix) throw bad('model.end_of_word_suffix', m.end_of_word_suffix, 'only byte-level BPE without word suffixes');
    this.ignoreMerges = m.ignore_merges === true;

    ({ vocab: this.vocab, added: this.added, tokens: this.tokens } = readVocab(m.vocab, json.added_tokens ?? [], source, this.addedById, this.addedByContent));
    this.vocabSize = this.tokens.length;

    for (let b = 0; b < 256; b++) {
      const id = this.vocab.get(String.fromCharCode(BYTE_TO_CHAR[b]!));
      if (id === undefined) throw bad('model.vocab', `missing byte-level token for byte ${b}`, 'a byte-level BPE vocabulary contains all 256 byte characters');
      this.byteToId[b] = id;
    }

    ({ merges: this.merges, ranks: this.ranks, mergeResult: this.mergeResult } = readMerges(m.merges, this.vocab, source));

    this.normalize = buildNormalizer(json.normalizer ?? null, source);
    this.pre = buildPre(json.pre_tokenizer ?? null, source);
    const [p0, p1] = this.pre;
    // A pattern that matches every character needs no gap handling: `match` gives the pieces.
    if (this.pre.length === 2 && p0!.kind === 'split' && p1!.kind === 'bytelevel' && !p1!.prefixSpace && !p1!.re && p0!.re.source === compilePattern(LLAMA3_PATTERN).source) this.single = p0!.re;
    if (!this.pre.some((p) => p.kind === 'bytelevel')) throw bad('pre_tokenizer', json.pre_tokenizer ?? null, 'a ByteLevel pre-tokenizer is required (byte-level BPE)');
    checkDecoder(json.decoder ?? null, source);
    ({ prefixIds: this.prefixIds, suffixIds: this.suffixIds } = templateIds(json.post_processor ?? null, (t) => this.vocab.get(t) ?? this.addedByContent.get(t)?.id));
    this.addedRe = addedTokenRe(this.added);
  }

  /** Token ids of `text` (no bos/eos unless `addSpecialTokens`). */
  encode(text: string, opts: EncodeOptions = {}): number[] {
    const out: number[] = opts.addSpecialTokens ? [...this.prefixIds] : [];
    if (this.addedRe) {
      const re = this.addedRe;
      re.lastIndex = 0;
      let last = 0;
      let m: RegExpExecArray | null;
      const sections: (string | AddedTokenJson)[] = [];
      while ((m = re.exec(text)) !== null) {
        if (m.index > last) sections.push(text.slice(last, m.index));
        sections.push(this.addedByContent.get(m[0])!);
        last = m.index + m[0].length;
      }
      if (last < text.length) sections.push(text.slice(last));
      for (let i = 0; i < sections.length; i++) {
        const s = sections[i]!;
        if (typeof s !== 'string') continue;
        const prev = sections[i - 1];
        const next = sections[i + 1];
        let t = s;
        if (typeof next === 'object' && next.lstrip) t = t.trimEnd();
        if (typeof prev === 'object' && prev.rstrip) t = t.trimStart();
        sections[i] = t;
      }
      for (const s of sections) {
        if (typeof s === 'string') this.encodeOrdinary(s, out);
        else out.push(s.id);
      }
    } else this.encodeOrdinary(text, out);
    if (opts.addSpecialTokens) out.push(...this.suffixIds);
    return out;
  }

  /** Number of tokens of `text`, without building the id array of a whole document twice. */
  count(text: string): number {
    return this.encode(text).length;
  }

  private encodeOrdinary(text: string, out: number[]): void {
    if (text.length === 0) return;
    if (this.normalize) text = this.normalize(text);
    if (this.single) {
      // Fast path (Llama-3 layout: one Split regex, ByteLevel without regex or prefix space).
      const words = text.match(this.single);
      if (words) for (let i = 0; i < words.length; i++) this.encodeWord(words[i]!, out);
      return;
    }
    let pieces: string[] = [text];
    for (const step of this.pre) {
      const next: string[] = [];
      for (const p of pieces) {
        if (step.kind === 'split') splitIsolated(p, step.re, next);
        else {
          const q = step.prefixSpace && !p.startsWith(' ') ? ' ' + p : p;
          if (step.re) splitIsolated(q, step.re, next);
          else next.push(q);
        }
      }
      pieces = next;
    }
    for (const w of pieces) this.encodeWord(w, out);
  }

  /** BPE of one pre-token (a JS string of real text; its UTF-8 bytes are the symbols). */
  encodeWord(w: string, out: number[]): void {
    const hit = this.cache.get(w);
    if (hit !== undefined) {
      if (typeof hit === 'number') out.push(hit);
      else for (let i = 0; i < hit.length; i++) out.push(hit[i]!);
      return;
    }
    if (this.buf.length < w.length * 3) {
      this.buf = new Uint8Array(w.length * 3 + 16);
      this.sym = new Int32Array(w.length * 3 + 16);
      this.rk = new Int32Array(w.length * 3 + 16);
    }
    const n0 = utf8Into(w, this.buf);
    const buf = this.buf;
    const s = this.sym;
    let res: number[] | number;
    let whole = -1;
    if (this.ignoreMerges && n0 > 1) {
      let lvl = '';
      for (let i = 0; i < n0; i++) lvl += String.fromCharCode(BYTE_TO_CHAR[buf[i]!]!);
      whole = this.vocab.get(lvl) ?? -1;
    }
    if (whole >= 0) res = whole;
    else if (n0 === 1) res = this.byteToId[buf[0]!]!;
    else {
      for (let i = 0; i < n0; i++) s[i] = this.byteToId[buf[i]!]!;
      const n = this.mergeSymbols(n0);
      res = n === 1 ? s[0]! : Array.from(s.subarray(0, n));
    }
    if (this.cache.size >= MAX_CACHE) this.cache.clear();
    if (w.length < 256) this.cache.set(w, res);
    if (typeof res === 'number') out.push(res);
    else for (let i = 0; i < res.length; i++) out.push(res[i]!);
  }

  /**
   * Merges `sym[0..n)` in place: repeatedly the pair of lowest rank, leftmost on ties, one
   * occurrence at a time (HF word.rs / llama.cpp order). `rk[i]` caches the rank of pair i.
   */
  private mergeSymbols(n: number): number {
    const s = this.sym;
    const rk = this.rk;
    const ranks = this.ranks;
    const NONE = 0x7fffffff;
    for (let i = 0; i < n - 1; i++) {
      const r = ranks.get(s[i]!, s[i + 1]!);
      rk[i] = r < 0 ? NONE : r;
    }
    while (n > 1) {
      let best = NONE;
      let at = -1;
      for (let i = 0; i < n - 1; i++) {
        if (rk[i]! < best) {
          best = rk[i]!;
          at = i;
        }
      }
      if (at < 0) break;
      s[at] = this.mergeResult[best]!;
      for (let i = at + 1; i < n - 1; i++) s[i] = s[i + 1]!;
      for (let i = at + 1; i < n - 2; i++) rk[i] = rk[i + 1]!;
      n--;
      if (at > 0) {
        const r = ranks.get(s[at - 1]!, s[at]!);
        rk[at - 1] = r < 0 ? NONE : r;
      }
      if (at < n - 1) {
        const r = ranks.get(s[at]!, s[at + 1]!);
        rk[at] = r < 0 ? NONE : r;
      }
    }
    return n;
  }

  /** Text of `ids`; invalid UTF-8 (a cut-off multi-byte char) decodes to U+FFFD like HF. */
  decode(ids: ArrayLike<number>, opts: DecodeOptions = {}): string {
    let text = '';
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length) text += Buffer.from(bytes).toString('utf8');
      bytes = [];
    };
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      const added = this.addedById.get(id);
      if (added) {
        if (opts.skipSpecialTokens && added.special) continue;
        flush();
        text += added.content;
        continue;
      }
      const tok = this.tokens[id];
      if (tok === undefined || (tok === '' && !this.vocab.has(''))) throw new FormatError(`token id ${id} is outside the vocabulary (size ${this.vocabSize})`);
      for (let i = 0; i < tok.length; i++) {
        const c = tok.charCodeAt(i);
        const b = c < 324 ? CHAR_TO_BYTE[c]! : -1;
        if (b >= 0) bytes.push(b);
        else {
          flush();
          text += tok[i];
        }
      }
    }
    flush();
    return text;
  }

  idOf(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.vocab.get(token);
  }
}

/**
 * `model.merges` ("left right" strings or [left, right] pairs) checked against the vocabulary:
 * the pairs in rank order, each pair's first rank, and the id each merge produces. Shared by the
 * byte-level and SentencePiece families.
 */
export function readMerges(mergesJson: readonly unknown[], vocab: ReadonlyMap<string, number>, source: string): { merges: [string, string][]; ranks: PairMap; mergeResult: Int32Array } {
  const merges: [string, string][] = [];
  const ranks = new PairMap(mergesJson.length + 16);
  const mergeResult = new Int32Array(mergesJson.length);
  for (let r = 0; r < mergesJson.length; r++) {
    const mg = mergesJson[r];
    let pair: [string, string];
    if (typeof mg === 'string') {
      const sp = mg.indexOf(' ', 1);
      if (sp < 0) throw new FormatError(`malformed tokenizer.json: model.merges[${r}] ${JSON.stringify(mg)} is not "left right"`, { file: source });
      pair = [mg.slice(0, sp), mg.slice(sp + 1)];
    } else if (Array.isArray(mg) && mg.length === 2 && typeof mg[0] === 'string' && typeof mg[1] === 'string') pair = [mg[0], mg[1]];
    else throw new FormatError(`malformed tokenizer.json: model.merges[${r}]`, { file: source, found: JSON.stringify(mg) });
    const a = vocab.get(pair[0]);
    const b = vocab.get(pair[1]);
    const c = vocab.get(pair[0] + pair[1]);
    if (a === undefined || b === undefined || c === undefined) throw new FormatError(`malformed tokenizer.json: model.merges[${r}] ${JSON.stringify(pair)} uses a token missing from model.vocab`, { file: source });
    merges.push(pair);
    if (ranks.get(a, b) < 0) ranks.set(a, b, r);
    mergeResult[r] = c;
  }
  return { merges, ranks, mergeResult };
}

/** The special-token ids a TemplateProcessing post-processor (possibly inside a Sequence) puts before and after a single sequence. */
export function templateIds(pp: Record<string, unknown> | null, idOf: (token: string) => number | undefined): { prefixIds: number[]; suffixIds: number[] } {
  const prefixIds: number[] = [];
  const suffixIds: number[] = [];
  const visit = (p: Record<string, unknown>): void => {
    if (p.type === 'Sequence') for (const q of (p.processors as Record<string, unknown>[]) ?? []) visit(q);
    else if (p.type === 'TemplateProcessing') {
      let seenA = false;
      for (const piece of (p.single as Record<string, { id: string }>[]) ?? []) {
        if ('Sequence' in piece) seenA = true;
        else if ('SpecialToken' in piece) {
          const id = idOf(piece.SpecialToken!.id);
          if (id !== undefined) (seenA ? suffixIds : prefixIds).push(id);
        }
      }
    }
  };
  if (pp) visit(pp);
  return { prefixIds, suffixIds };
}

/** One alternation of the added tokens' contents, longest first, to find them in raw text (null when there are none). */
export function addedTokenRe(added: readonly { content: string }[]): RegExp | null {
  const contents = added.map((a) => a.content).filter((c) => c.length > 0);
  contents.sort((x, y) => y.length - x.length);
  return contents.length ? new RegExp(contents.map(escapeRe).join('|'), 'g') : null;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function buildNormalizer(n: Record<string, unknown> | null, source: string): ((s: string) => string) | null {
  if (!n) return null;
  const forms: Record<string, 'NFC' | 'NFD' | 'NFKC' | 'NFKD'> = { NFC: 'NFC', NFD: 'NFD', NFKC: 'NFKC', NFKD: 'NFKD' };
  const one = (x: Record<string, unknown>, path: string): ((s: string) => string) => {
    const f = forms[String(x.type)];
    if (f) return (s) => s.normalize(f);
    if (x.type === 'Sequence') {
      const fs = ((x.normalizers as Record<string, unknown>[]) ?? []).map((y, i) => one(y, `${path}.normalizers[${i}]`));
      return (s) => fs.reduce((acc, g) => g(acc), s);
    }
    throw new FormatError(`unsupported tokenizer.json: ${path}.type ${JSON.stringify(x.type)}`, {
      file: source,
      hint: 'supported normalizers: none, NFC, NFD, NFKC, NFKD, Sequence of these',
    });
  };
  return one(n, 'normalizer');
}

function buildPre(p: Record<string, unknown> | null, source: string): PreStep[] {
  if (!p) return [];
  const steps: PreStep[] = [];
  const one = (x: Record<string, unknown>, path: string) => {
    const fail = (field: string, hint: string) => new FormatError(`unsupported tokenizer.json: ${path}.${field} ${JSON.stringify(x[field])}`, { file: source, hint });
    switch (x.type) {
      case 'Sequence':
        ((x.pretokenizers as Record<string, unknown>[]) ?? []).forEach((y, i) => one(y, `${path}.pretokenizers[${i}]`));
        return;
      case 'Split': {
        const pat = x.pattern as { Regex?: string; String?: string } | undefined;
        if (x.invert) throw fail('invert', 'only invert: false is supported');
        if (x.behavior !== 'Isolated') throw fail('behavior', 'only the Isolated split behavior is supported');
        if (pat?.Regex !== undefined) steps.push({ kind: 'split', re: compilePattern(pat.Regex, `${path}.pattern.Regex`) });
        else if (pat?.String !== undefined) steps.push({ kind: 'split', re: new RegExp(escapeRe(pat.String), 'gu') });
        else throw fail('pattern', 'expected {"Regex": …} or {"String": …}');
        return;
      }
      case 'ByteLevel':
        steps.push({ kind: 'bytelevel', prefixSpace: x.add_prefix_space === true, re: x.use_regex === false ? null : compilePattern(GPT2_PATTERN) });
        return;
      default:
        throw fail('type', 'supported pre-tokenizers: Split (Isolated), ByteLevel, Sequence of these');
    }
  };
  one(p, 'pre_tokenizer');
  // HF applies ByteLevel's byte mapping last; we map bytes in BPE, so only the splitting matters.
  return steps;
}

function checkDecoder(d: Record<string, unknown> | null, source: string): void {
  const ok = (x: Record<string, unknown>): boolean => x.type === 'ByteLevel' || (x.type === 'Sequence' && ((x.decoders as Record<string, unknown>[]) ?? []).every(ok));
  if (d && !ok(d)) {
    throw new FormatError(`unsupported tokenizer.json: decoder.type ${JSON.stringify(d.type)}`, {
      file: source,
      hint: 'byte-level BPE needs the ByteLevel decoder',
    });
  }
}
