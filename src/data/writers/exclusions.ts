// Exclusion writer: keeps every dropped document of a rank with its step and reason in
// `excluded/<step>/<rank>.jsonl.zst`, so a drop can be audited and thresholds tuned
// (datatrove's `exclusion_writer`). Restricted documents are written without their text: the
// vault is the only place that text may live. Not the quarantine log (quarantine.ts).
import { join } from 'node:path';
import { toRecord, type Doc } from '../doc.js';
import { JsonlZstWriter } from './jsonl.js';
import { rankName } from './shards.js';

export class ExclusionWriter {
  private readonly writers = new Map<string, JsonlZstWriter>();

  constructor(
    private readonly outDir: string,
    private readonly rank: number,
    private readonly level: number,
  ) {}

  write(doc: Doc, step: string, reason: string): void {
    let w = this.writers.get(step);
    if (!w) {
      w = new JsonlZstWriter(join(this.outDir, 'excluded', step, `${rankName(this.rank)}.jsonl.zst`), { level: this.level });
      this.writers.set(step, w);
    }
    const rec = toRecord(doc);
    if (doc.rights?.class === 'restricted') delete rec.text;
    w.write({ step, reason, ...rec });
  }

  close(): void {
    for (const w of this.writers.values()) w.close();
  }
  commit(): void {
    for (const w of this.writers.values()) w.commit();
  }
  abort(): void {
    for (const w of this.writers.values()) w.abort();
  }
}
