// robots.txt per RFC 9309: groups of user-agent lines followed by allow/disallow rules; a
// crawler obeys the groups naming its product token (case-insensitive, several matching groups
// combined), else the `*` groups, else nothing is disallowed. The longest matching rule wins,
// allow wins a tie; `*` matches any run of characters and a final `$` anchors the end; paths are
// compared in one percent-encoding. Not a fetcher: robots files are supplied (RobotsStore).
// Reference: RFC 9309 §2.2 (groups, matching), §2.2.3 (special characters).
interface RobotsRule {
  allow: boolean;
  /** The pattern as written (normalised encoding); its length ranks specificity. */
  pattern: string;
  re: RegExp;
}

interface RobotsGroup {
  agents: string[];
  rules: RobotsRule[];
}

/**
 * One percent-encoding for patterns and paths (RFC 9309 §2.2.2, TDMRep): %xx of an unreserved
 * character is decoded, other escapes upper-cased, non-ASCII percent-encoded as UTF-8.
 */
export function normaliseEncoding(s: string): string {
  let out = s.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => {
    const ch = String.fromCharCode(parseInt(h, 16));
    return /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${h.toUpperCase()}`;
  });
  if (/[^\x21-\x7e]/.test(out)) out = out.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
  return out;
}

function compile(pattern: string): RegExp {
  const anchored = pattern.endsWith('$');
  const body = anchored ? pattern.slice(0, -1) : pattern;
  const re = body
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${re}${anchored ? '$' : ''}`);
}

export class Robots {
  readonly groups: RobotsGroup[] = [];

  constructor(text: string) {
    let cur: RobotsGroup | null = null;
    let lastWasAgent = false;
    for (const raw of text.split(/\r\n|\r|\n/)) {
      const line = raw.replace(/#.*$/, '').trim();
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const key = line
        .slice(0, colon)
        .trim()
        .toLowerCase()
        .replace(/[\s_]+/g, '-');
      const value = line.slice(colon + 1).trim();
      if (key === 'user-agent') {
        if (!cur || !lastWasAgent) {
          cur = { agents: [], rules: [] };
          this.groups.push(cur);
        }
        cur.agents.push(value.split(/[/\s]/)[0]!.toLowerCase());
        lastWasAgent = true;
      } else if (key === 'allow' || key === 'disallow') {
        lastWasAgent = false;
        if (!cur) continue; // rules before any user-agent line belong to no group
        if (value === '') continue; // "Disallow:" with no path matches nothing
        const pattern = normaliseEncoding(value.startsWith('/') || value.startsWith('*') ? value : '/' + value);
        cur.rules.push({ allow: key === 'allow', pattern, re: compile(pattern) });
      }
      // sitemap, crawl-delay and unknown lines are ignored: they neither hold rules nor end the
      // list of user-agent lines of a group (as Google's reference parser does).
    }
  }

  /** The rules that apply to `agent` (its groups combined, else `*`). */
  rulesFor(agent: string): RobotsRule[] {
    const token = agent.toLowerCase();
    let matched = this.groups.filter((g) => g.agents.includes(token));
    if (matched.length === 0) matched = this.groups.filter((g) => g.agents.includes('*'));
    return matched.flatMap((g) => g.rules);
  }

  /** May `agent` fetch `pathAndQuery` (starting with `/`)? */
  isAllowed(agent: string, pathAndQuery: string): boolean {
    const path = normaliseEncoding(pathAndQuery || '/');
    if (path === '/robots.txt') return true;
    let best: RobotsRule | null = null;
    for (const r of this.rulesFor(agent)) {
      if (!r.re.test(path)) continue;
      if (!best || r.pattern.length > best.pattern.length || (r.pattern.length === best.pattern.length && r.allow && !best.allow)) best = r;
    }
    return best ? best.allow : true;
  }
}
