// Open-addressing hash map from an ordered pair of token ids (a, b) to an int32 value.
// The BPE trainer and encoder look pairs up millions of times; a JS Map keyed by a*2^21+b
// would hash heap doubles, this keeps keys in Int32Arrays. Not a general map: no deletion.
// Reference: linear probing, Knuth TAOCP vol. 3 §6.4.

export class PairMap {
  private cap: number;
  private ka: Int32Array;
  private kb: Int32Array;
  private val: Int32Array;
  size = 0;

  constructor(expected = 1024) {
    let cap = 16;
    while (cap < expected * 2) cap <<= 1;
    this.cap = cap;
    this.ka = new Int32Array(cap).fill(-1);
    this.kb = new Int32Array(cap);
    this.val = new Int32Array(cap);
  }

  private static hash(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;
  }

  /** Value for (a, b), or -1. */
  get(a: number, b: number): number {
    const mask = this.cap - 1;
    let i = PairMap.hash(a, b) & mask;
    const ka = this.ka;
    for (;;) {
      const k = ka[i]!;
      if (k === -1) return -1;
      if (k === a && this.kb[i] === b) return this.val[i]!;
      i = (i + 1) & mask;
    }
  }

  /** Sets (a, b) → v (a ≥ 0, v any int32). */
  set(a: number, b: number, v: number): void {
    if ((this.size + 1) * 2 > this.cap) this.grow();
    const mask = this.cap - 1;
    let i = PairMap.hash(a, b) & mask;
    for (;;) {
      const k = this.ka[i]!;
      if (k === -1) {
        this.ka[i] = a;
        this.kb[i] = b;
        this.val[i] = v;
        this.size++;
        return;
      }
      if (k === a && this.kb[i] === b) {
        this.val[i] = v;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const { ka, kb, val, cap } = this;
    this.cap = cap * 2;
    this.ka = new Int32Array(this.cap).fill(-1);
    this.kb = new Int32Array(this.cap);
    this.val = new Int32Array(this.cap);
    this.size = 0;
    for (let i = 0; i < cap; i++) if (ka[i] !== -1) this.set(ka[i]!, kb[i]!, val[i]!);
  }
}
