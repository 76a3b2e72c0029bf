// Trainer of the linear classifier (./linear.ts): multinomial logistic regression by plain SGD
// with a linearly decaying learning rate (fastText's schedule), a seeded shuffle, and every
// language seen at least `minPerClass` times per epoch (small classes are repeated). Single
// threaded and deterministic: same data + same seed → byte-identical model.
// Not the data loading (./data.ts) nor the command (scripts/lid/train.ts).
import { LinearModel, prepare, softmax, type LinearHeader } from './linear.js';
import { mulberry32 } from '../util/rng.js';

export interface TrainOptions {
  epochs: number;
  /** Initial learning rate (decays linearly to 0). */
  lr: number;
  seed: number;
  /** Each class is visited at least this many times per epoch (repeating its examples). */
  minPerClass: number;
  /** At most this many examples per class per epoch (a seeded subset when larger). */
  maxPerClass: number;
  /**
   * Draw a class's examples of an epoch evenly from its sources (`ud`, `flores`, …: the part of
   * Example.source before ':'), so one large source does not define the language (default false).
   */
  balanceSources?: boolean;
  /** Learn a per-class bias (default true); without it the class prior comes from the features alone. */
  bias?: boolean;
  /** Progress callback (epoch, mean loss). */
  log?: (epoch: number, loss: number) => void;
}

export interface Example {
  text: string;
  /** Registry code; must be one of the header's classes. */
  lang: string;
  /** `ud:…` / `udhr:…` (data.ts); lets a group model up-weight a domain. */
  source?: string;
}

export const rng = mulberry32;

function shuffle<T>(a: T[], r: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
}

export { prepare } from './linear.js';

export function trainLinear(header: LinearHeader, examples: Example[], opt: TrainOptions): LinearModel {
  const model = new LinearModel(header);
  const C = model.C;
  const cls = new Map(header.classes.map((c, i) => [c, i]));
  // features once per example (copied out of the reused buffer)
  const byClass: { f: Int32Array; y: number; src: string }[][] = header.classes.map(() => []);
  for (const e of examples) {
    const y = cls.get(e.lang);
    if (y === undefined) continue;
    byClass[y]!.push({ f: model.features(prepare(e.text, header)).slice(), y, src: opt.balanceSources ? (e.source ?? '').split(':')[0]! : '' });
  }
  const r = rng(opt.seed);
  const epochLists: { f: Int32Array; y: number }[][] = [];
  for (let ep = 0; ep < opt.epochs; ep++) {
    const list: { f: Int32Array; y: number }[] = [];
    for (const xs of byClass) {
      if (!xs.length) continue;
      let order = xs.slice();
      shuffle(order, r);
      if (opt.balanceSources) {
        // equal shares per source (each in its shuffled order), smallest first, none repeated more
        // than twice per epoch; what a small source leaves goes to the others
        const by = new Map<string, typeof order>();
        for (const x of order) (by.get(x.src) ?? by.set(x.src, []).get(x.src)!).push(x);
        const lists = [...by.entries()].sort((a, b) => a[1].length - b[1].length || (a[0] < b[0] ? -1 : 1)).map(([, v]) => v);
        let left = Math.min(opt.maxPerClass, Math.max(opt.minPerClass, xs.length));
        const picked: typeof order = [];
        lists.forEach((l, i) => {
          const q = Math.min(2 * l.length, Math.floor(left / (lists.length - i)));
          for (let j = 0; j < q; j++) picked.push(l[j % l.length]!);
          left -= q;
        });
        order = picked;
      }
      const k = Math.min(opt.maxPerClass, Math.max(opt.minPerClass, xs.length));
      for (let i = 0; i < k; i++) list.push(order[i % order.length]!);
    }
    shuffle(list, r);
    epochLists.push(list);
  }
  const total = epochLists.reduce((s, l) => s + l.length, 0);
  const W = model.W;
  const b = model.b;
  const s = new Float64Array(C);
  const learnBias = opt.bias ?? true;
  let step = 0;
  for (let ep = 0; ep < opt.epochs; ep++) {
    let loss = 0;
    for (const { f, y } of epochLists[ep]!) {
      const lr = opt.lr * (1 - step++ / total);
      model.scoresOf(f, s);
      softmax(s, C);
      loss -= Math.log(Math.max(s[y]!, 1e-12));
      s[y] = s[y]! - 1; // gradient of the loss w.r.t. the logits
      const v = f.length ? 1 / Math.sqrt(f.length) : 0;
      for (let c = 0; c < C; c++) {
        if (learnBias) b[c] = b[c]! - lr * s[c]!;
        s[c] = lr * v * s[c]!;
      }
      for (let i = 0; i < f.length; i++) {
        const row = f[i]! * C;
        for (let c = 0; c < C; c++) W[row + c] = W[row + c]! - s[c]!;
      }
    }
    opt.log?.(ep, loss / epochLists[ep]!.length);
  }
  return model;
}
