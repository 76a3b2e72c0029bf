// The `extract` pipeline step: documents carrying meta.html get their main text (extractHtml),
// their title, and meta.htmlMeta (the page's <meta> values that the rights step reads); the HTML
// is then released (unless keepHtml). Non-text content types drop as `extract.not-text`, non-2xx
// HTTP responses as `extract.http-status`, empty results as `extract.empty`; docs without HTML
// pass through. Charset decoding already happened in the reader (HTTP header → meta → detection).
// Reference: datatrove extractors/trafilatura.py.
import type { Doc, Verdict } from '../doc.js';
import { Filter } from '../step.js';
import { isTextualType } from '../readers/warc.js';
import { extractHtml } from './html.js';

export interface ExtractOptions {
  /** Keep meta.html after extraction (memory: off by default; the rights step uses meta.htmlMeta). */
  keepHtml?: boolean;
}

export class ExtractStep extends Filter {
  readonly name = 'extract';
  constructor(private readonly opts: ExtractOptions = {}) {
    super();
  }

  filter(doc: Doc): Verdict {
    const meta = doc.meta;
    if (!meta) return { keep: true };
    const status = typeof meta.status === 'number' ? meta.status : undefined;
    if (status !== undefined && (status < 200 || status >= 300)) return { drop: 'extract.http-status' };
    if (meta.contentType !== undefined && !isTextualType(meta.contentType)) return { drop: 'extract.not-text' };
    if (typeof meta.html !== 'string') return { keep: true };
    const ex = extractHtml(meta.html);
    doc.text = ex.text;
    if (ex.title && !doc.title) doc.title = ex.title;
    meta.htmlMeta = ex.meta;
    if (ex.htmlLang) meta.htmlLang = ex.htmlLang;
    if (!this.opts.keepHtml) delete meta.html;
    if (doc.text.trim() === '') return { drop: 'extract.empty' };
    return { keep: true };
  }
}
