import MarkdownIt from 'markdown-it';

/**
 * Help articles are Markdown written by admins, rendered on the server. Pure:
 * no I/O. Safe whatever an admin (or an attacker with an admin's session)
 * types: raw HTML is not interpreted (`html: false`, so `<script>` comes out
 * as text), images are off (no tracking pixels, no `javascript:` sources),
 * and a link survives only when it points to http(s), mailto or a relative
 * address; anything else (`javascript:`, `data:`, `vbscript:`, `file:`)
 * stays as plain text. External links open with `rel="noopener noreferrer"`.
 */

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
md.disable(['image']);

const ALLOWED_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** True for http(s), mailto and relative links (a path, a query or a fragment). */
export function isSafeLink(raw: string): boolean {
  // Browsers ignore ASCII control characters and whitespace inside a scheme
  // ("java\tscript:"): judge the address with them removed.
  const url = raw.replace(/[\u0000-\u0020\u007f]/g, '');
  if (url.startsWith('//')) return false; // protocol-relative: another host, scheme unsaid
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (!scheme) return true; // relative: /help, help/x, ?q=, #top
  return ALLOWED_SCHEMES.has(`${scheme[1]!.toLowerCase()}:`);
}

md.validateLink = isSafeLink;

const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const href = String(tokens[idx]!.attrGet('href') ?? '');
  if (/^(https?:)?\/\//i.test(href)) tokens[idx]!.attrSet('rel', 'noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** The article's HTML. Headings start at h2: the page's title is the h1. */
export function renderMarkdown(source: string): string {
  const tokens = md.parse(source, {});
  for (const token of tokens) {
    if ((token.type === 'heading_open' || token.type === 'heading_close') && token.tag === 'h1') {
      token.tag = 'h2';
    }
  }
  return md.renderer.render(tokens, md.options, {});
}

/** The article as plain text (for search result snippets): Markdown marks removed. */
export function plainText(source: string, max = 200): string {
  const text = source
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[#>*_`~|-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
