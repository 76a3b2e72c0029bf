// Text out of token ids for a server: incremental detokenization that never emits half a UTF-8
// character, stop strings (the text ends before the earliest one, and a streamed delta holds back
// what could still become one), per-token pieces whose lengths add up to the text, and character
// offsets in code points (Python's `len`, what OpenAI's `text_offset` counts). Not the tokenizer.
// Reference: OpenAI completions `stop`/`text_offset`; llama.cpp server's partial-stop handling.

/** Code points in `s` (surrogate pairs count once). */
export function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) n++;
  }
  return n;
}

/**
 * Pieces of `ids` such that pieces.join('') === detokenize(ids): piece i is what token i adds to
 * the text of the tokens before it (empty while a character is incomplete), with its offset.
 */
export function tokenPieces(ids: readonly number[], detokenize: (ids: readonly number[]) => string, start = ''): { pieces: string[]; offsets: number[]; text: string } {
  const pieces: string[] = [];
  const offsets: number[] = [];
  let prev = start;
  let prevCp = codePoints(start);
  for (let i = 0; i < ids.length; i++) {
    const cur = detokenize(ids.slice(0, i + 1));
    // A trailing replacement char is an incomplete character: it belongs to a later token.
    const stable = cur.endsWith('\uFFFD') && i + 1 < ids.length ? cur.slice(0, -1) : cur;
    const full = start + stable;
    const piece = full.startsWith(prev) ? full.slice(prev.length) : '';
    pieces.push(piece);
    offsets.push(prevCp);
    if (full.startsWith(prev)) {
      prev = full;
      prevCp += codePoints(piece);
    }
  }
  return { pieces, offsets, text: prev };
}

/** Accumulates generated token ids into text and decides what may be emitted and where to stop. */
export class TextAssembler {
  private ids: number[] = [];
  /** Text of the tokens up to the last complete character, and the token ids after it. */
  private stable = '';
  private pending: number[] = [];
  private emitted = 0;
  private text = '';
  private readonly maxStop: number;
  stopped = false;

  constructor(
    private readonly detokenize: (ids: readonly number[]) => string,
    private readonly stop: readonly string[],
  ) {
    this.maxStop = Math.max(0, ...stop.map((s) => s.length));
  }

  /** Adds a token; returns the text that may be shown now (may be ''). Sets `stopped` on a stop string. */
  push(id: number): string {
    // Byte-level tokens decode independently from a character boundary: only the tokens since
    // the last complete character are decoded again (O(1) per token, not O(length)).
    this.ids.push(id);
    this.pending.push(id);
    const tail = this.detokenize(this.pending);
    let full = this.stable + tail;
    if (!tail.endsWith('\uFFFD')) {
      this.stable = full;
      this.pending = [];
    }
    const incomplete = this.pending.length > 0;
    if (this.stop.length) {
      const from = Math.max(0, this.emitted - this.maxStop);
      let cut = -1;
      for (const s of this.stop) {
        const i = full.indexOf(s, from);
        if (i >= 0 && (cut < 0 || i < cut)) cut = i;
      }
      if (cut >= 0) {
        this.stopped = true;
        full = full.slice(0, cut);
        this.text = full;
        return this.take(full.length);
      }
    }
    this.text = full;
    let safe = incomplete ? this.stable.length : full.length;
    // Hold back a suffix that is the start of a stop string.
    for (const s of this.stop) {
      for (let k = Math.min(s.length - 1, safe - this.emitted); k > 0; k--) {
        if (full.endsWith(s.slice(0, k))) {
          safe = Math.min(safe, full.length - k);
          break;
        }
      }
    }
    return this.take(safe);
  }

  private take(upTo: number): string {
    if (upTo <= this.emitted) return '';
    const d = this.text.slice(this.emitted, upTo);
    this.emitted = upTo;
    return d;
  }

  /** The rest (held-back text) once generation ended without a stop string. */
  finish(): string {
    return this.take(this.text.length);
  }

  get value(): string {
    return this.text;
  }
  get tokenCount(): number {
    return this.ids.length;
  }
}
