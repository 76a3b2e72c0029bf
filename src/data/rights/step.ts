// The `rights` pipeline step: every document gets doc.rights = {decision, reason, class} from
// the domain blocklist, TDMRep (header, HTML meta, tdmrep.json) and robots.txt for the pinned AI
// user agents; blocked documents drop, reserved ones become class `restricted` (vault only).
// Counters: rights.<decision>.<reason>. Not the vault (data/vault/).
// References: RFC 9309, W3C TDMRep, CDSM directive art. 4(3).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Doc, Rights } from '../doc.js';
import type { Step, StepContext } from '../step.js';
import { OellmError } from '../../util/errors.js';
import { openBytes } from '../readers/bytes.js';
import { RightsConfigSchema, type RightsConfig, type RightsConfigInput, type ReservationReason } from './config.js';
import { Robots } from './robots.js';
import { headerReservation, htmlReservation, matchTdmrep, parseTdmrep, type TdmRule } from './tdmrep.js';

/** Lower-case host without port or trailing dot; null for URLs that do not parse. */
export function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const h = new URL(url).hostname.toLowerCase().replace(/\.$/, '');
    return h || null;
  } catch {
    return null;
  }
}

function pathOf(url: string): string {
  const u = new URL(url);
  return (u.pathname || '/') + u.search;
}

/** Does `host` equal a listed domain or sit under one? */
export function onBlocklist(host: string, list: Set<string>): boolean {
  let h = host;
  for (;;) {
    if (list.has(h)) return true;
    const dot = h.indexOf('.');
    if (dot < 0) return false;
    h = h.slice(dot + 1);
  }
}

const CACHE_MAX = 100_000;

/**
 * Decisions, in this order of precedence:
 *   blocked  / blocklist          host on the blocklist (suffix match) → dropped `rights.blocklist`
 *   reserved / tdm-header | tdm-meta | tdmrep | robots → class `restricted`, or dropped
 *            `rights.reserved` when onReserved = drop
 *   allow    / no-reservation | no-url → class `open`
 * A reservation from any honoured source counts (an explicit `0` elsewhere does not lift it).
 * robots.txt applies when robots data is supplied: disallowed for ANY pinned AI agent = reserved;
 * a host without a supplied robots.txt is allowed (RFC 9309 §2.3.1.3: unavailable → allow).
 */
export class RightsStep implements Step {
  readonly name = 'rights';
  readonly config: RightsConfig;
  private blocklist = new Set<string>();
  private robotsText = new Map<string, string>(); // from robotsJsonl
  private robots = new Map<string, Robots | null>();
  private tdmrep = new Map<string, TdmRule[] | null>();
  private ready: Promise<void> | undefined;

  constructor(config: RightsConfigInput | RightsConfig = {}) {
    this.config = RightsConfigSchema.parse(config);
  }

  /** Loads the blocklist file and robots JSONL (once). */
  init(): Promise<void> {
    this.ready ??= this.load();
    return this.ready;
  }

  private async load(): Promise<void> {
    const c = this.config;
    for (const d of c.blocklist) this.blocklist.add(d.toLowerCase().replace(/^\*?\./, ''));
    if (c.blocklistFile) {
      let text: string;
      try {
        text = readFileSync(c.blocklistFile, 'utf8');
      } catch (e) {
        throw new OellmError(`cannot read blocklist file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: c.blocklistFile, code: 'E_IO', hint: 'rights.blocklistFile: one domain per line' });
      }
      for (const raw of text.split(/\r?\n/)) {
        const d = raw
          .replace(/#.*$/, '')
          .trim()
          .toLowerCase()
          .replace(/^\*?\./, '');
        if (d) this.blocklist.add(d);
      }
    }
    if (c.robotsJsonl) {
      const { reader, close } = await openBytes(c.robotsJsonl).catch((e: NodeJS.ErrnoException) => {
        throw new OellmError(`cannot open robots JSONL: ${e.code ?? e.message}`, { file: c.robotsJsonl, code: 'E_IO' });
      });
      try {
        let n = 0;
        for (;;) {
          const line = await reader.readLine(4 << 20);
          if (line === null) break;
          n++;
          if (!Buffer.isBuffer(line)) throw new OellmError(`line ${n} is over 4 MiB`, { file: c.robotsJsonl, offset: n, code: 'E_FORMAT' });
          const s = line.toString('utf8').trim();
          if (!s) continue;
          let o: { host?: unknown; robots?: unknown };
          try {
            o = JSON.parse(s) as typeof o;
          } catch (e) {
            throw new OellmError(`line ${n} is not JSON: ${(e as Error).message}`, { file: c.robotsJsonl, offset: n, code: 'E_FORMAT', hint: 'each line: {"host": "example.com", "robots": "<robots.txt text>"}' });
          }
          if (typeof o.host !== 'string' || typeof o.robots !== 'string') {
            throw new OellmError(`line ${n} needs string fields "host" and "robots"`, { file: c.robotsJsonl, offset: n, code: 'E_FORMAT' });
          }
          this.robotsText.set(o.host.toLowerCase(), o.robots);
        }
        if (reader.error) throw new OellmError(`robots JSONL is truncated or corrupt: ${reader.error.message}`, { file: c.robotsJsonl, code: 'E_FORMAT' });
      } finally {
        close();
      }
    }
  }

  private robotsFor(host: string): Robots | null {
    if (this.robots.has(host)) return this.robots.get(host)!;
    let text: string | undefined = this.robotsText.get(host);
    if (text === undefined && this.config.robotsDir) {
      const f = join(this.config.robotsDir, `${host}.robots.txt`);
      if (existsSync(f)) text = readFileSync(f, 'utf8');
    }
    const r = text === undefined ? null : new Robots(text);
    if (this.robots.size >= CACHE_MAX) this.robots.clear();
    this.robots.set(host, r);
    return r;
  }

  private tdmrepFor(host: string): TdmRule[] | null {
    if (this.tdmrep.has(host)) return this.tdmrep.get(host)!;
    let rules: TdmRule[] | null = null;
    if (this.config.tdmrepDir) {
      const f = join(this.config.tdmrepDir, `${host}.tdmrep.json`);
      if (existsSync(f)) {
        try {
          rules = parseTdmrep(readFileSync(f, 'utf8'));
        } catch (e) {
          throw new OellmError(`invalid tdmrep.json: ${(e as Error).message}`, { file: f, code: 'E_FORMAT', hint: 'TDMRep: a JSON array of {"location": "/path*", "tdm-reservation": 0|1, "tdm-policy": "…"}' });
        }
      }
    }
    if (this.tdmrep.size >= CACHE_MAX) this.tdmrep.clear();
    this.tdmrep.set(host, rules);
    return rules;
  }

  /** The rights decision for one document (pure given the supplied data; init() first). */
  decide(doc: Doc): Rights {
    const host = hostOf(doc.url);
    if (!host) return { decision: 'allow', reason: 'no-url', class: 'open' };
    if (this.blocklist.size && onBlocklist(host, this.blocklist)) return { decision: 'blocked', reason: 'blocklist', class: 'restricted' };
    const honour = new Set<ReservationReason>(this.config.honour);
    const reserved = (reason: ReservationReason): Rights => ({ decision: 'reserved', reason, class: 'restricted' });
    if (honour.has('tdm-header') && headerReservation(doc.meta?.httpHeaders) === 1) return reserved('tdm-header');
    if (honour.has('tdm-meta')) {
      const hm = doc.meta?.htmlMeta as Record<string, string> | undefined;
      const v = hm?.['tdm-reservation']?.trim();
      if (v === '1' || (v === undefined && typeof doc.meta?.html === 'string' && htmlReservation(doc.meta.html) === 1)) return reserved('tdm-meta');
    }
    const path = pathOf(doc.url!);
    if (honour.has('tdmrep')) {
      const rules = this.tdmrepFor(host);
      if (rules && matchTdmrep(rules, path)?.reservation === 1) return reserved('tdmrep');
    }
    if (honour.has('robots')) {
      const robots = this.robotsFor(host);
      if (robots && this.config.userAgents.some((ua) => !robots.isAllowed(ua, path))) return reserved('robots');
    }
    return { decision: 'allow', reason: 'no-reservation', class: 'open' };
  }

  /** Per-document form of run (init() first). */
  each(doc: Doc, ctx: StepContext): boolean {
    const r = this.decide(doc);
    doc.rights = r;
    ctx.stats.inc(`rights.${r.decision}.${r.reason}`);
    if (r.decision === 'blocked') {
      ctx.exclude(doc, this.name, { drop: 'rights.blocklist' });
      return false;
    }
    if (r.decision === 'reserved' && this.config.onReserved === 'drop') {
      ctx.exclude(doc, this.name, { drop: 'rights.reserved' });
      return false;
    }
    return true;
  }

  async *run(docs: AsyncIterable<Doc>, ctx: StepContext): AsyncIterable<Doc> {
    await this.init();
    for await (const doc of docs) if (this.each(doc, ctx)) yield doc;
  }
}
