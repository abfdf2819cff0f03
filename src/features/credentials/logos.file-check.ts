/**
 * What an uploaded logo file really is, judged by its content, never by its
 * name or the type the browser declared. Pure: no I/O.
 *
 * PNG, EPS and ZIP are recognized by their first bytes. SVG has no magic
 * number: it must be UTF-8 text that parses as well-formed XML whose root
 * element is `svg`, with no DOCTYPE (no entity definitions to expand).
 * SVG may carry script: it is only ever sent as a download (logos.pages.tsx).
 */

export type LogoKind = 'svg' | 'png' | 'eps' | 'zip';

/** 10 MiB: the largest logo file accepted (the database refuses more as well). */
export const MAX_LOGO_BYTES = 10 * 1024 * 1024;

/**
 * The content type each kind is sent with. SVG goes as an opaque download:
 * a browser never treats `application/octet-stream` as a document, so no
 * script in it can run on our origin.
 */
export const LOGO_CONTENT_TYPES: Record<LogoKind, string> = {
  svg: 'application/octet-stream',
  png: 'image/png',
  eps: 'application/postscript',
  zip: 'application/zip',
};

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];
const EPS_BINARY = [0xc5, 0xd0, 0xd3, 0xc6]; // DOS EPS header (PostScript plus a preview)

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);
}

function isEps(bytes: Uint8Array): boolean {
  if (startsWith(bytes, EPS_BINARY)) return true;
  // "%!PS-Adobe-3.0 EPSF-3.0" on the first line.
  const head = Buffer.from(bytes.subarray(0, 64)).toString('latin1');
  const firstLine = head.split(/\r\n|\r|\n/)[0] ?? '';
  return /^%!PS-Adobe-\d\.\d EPSF-\d\.\d/.test(firstLine);
}

export function detectLogoKind(bytes: Uint8Array): LogoKind | null {
  if (startsWith(bytes, PNG)) return 'png';
  if (startsWith(bytes, ZIP) || startsWith(bytes, ZIP_EMPTY)) return 'zip';
  if (isEps(bytes)) return 'eps';
  if (isSvg(bytes)) return 'svg';
  return null;
}

export function logoKindOfName(name: string): LogoKind | null {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return null;
  switch (name.slice(dot + 1).toLowerCase()) {
    case 'svg':
      return 'svg';
    case 'png':
      return 'png';
    case 'eps':
    case 'epsf':
      return 'eps';
    case 'zip':
      return 'zip';
    default:
      return null;
  }
}

export type LogoCheck =
  | { ok: true; kind: LogoKind; fileName: string }
  | { ok: false; problem: 'empty' | 'tooLarge' | 'unsupported' | 'mismatch' };

/**
 * Accepts a file whose content is SVG, PNG, EPS or ZIP and whose name's
 * extension says the same: a PNG named `.svg` is refused as a mismatch.
 */
export function checkLogoFile(file: {
  bytes: Uint8Array;
  name: string;
  truncated?: boolean;
}): LogoCheck {
  if (file.truncated || file.bytes.length > MAX_LOGO_BYTES)
    return { ok: false, problem: 'tooLarge' };
  if (file.bytes.length === 0) return { ok: false, problem: 'empty' };
  const kind = detectLogoKind(file.bytes);
  if (!kind) return { ok: false, problem: 'unsupported' };
  const byName = logoKindOfName(file.name);
  if (byName !== kind) return { ok: false, problem: 'mismatch' };
  return { ok: true, kind, fileName: safeLogoName(file.name, kind) };
}

/** The base name only, without control or path characters, at most 120 characters, with the kind's extension. */
export function safeLogoName(name: string, kind: LogoKind): string {
  const base = (name.split(/[\\/]/).pop() ?? '')
    .replace(/\.[^.]*$/, '')
    .replace(/[\u0000-\u001f\u007f"<>:|?*%;]/g, '_')
    .trim()
    .slice(0, 120);
  return `${base || 'logo'}.${kind}`;
}

// ------------------------------------------------------------------ SVG as XML

const NAME = /^[A-Za-z_:\u00c0-\uffff][A-Za-z0-9_:.\u00b7\u00c0-\uffff-]*/;
const ENTITY = /^&(?:[A-Za-z_][A-Za-z0-9._-]*|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});/;
const PREDEFINED = new Set(['&lt;', '&gt;', '&amp;', '&apos;', '&quot;']);

/** UTF-8 text that is well-formed XML with an `svg` root element and no DOCTYPE. */
export function isSvg(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  const root = wellFormedRoot(text.replace(/^\ufeff/, ''));
  return root !== null && (root === 'svg' || root.endsWith(':svg'));
}

/**
 * A small, strict XML well-formedness check: the name of the root element,
 * or null. Refuses DOCTYPE (and so entity definitions), text outside the
 * root, unbalanced tags, bad attributes and undeclared entities.
 */
export function wellFormedRoot(xml: string): string | null {
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml)) return null;
  let i = 0;
  const stack: string[] = [];
  let root: string | null = null;
  let rootClosed = false;
  while (i < xml.length) {
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0) return null;
      i = end + 3;
    } else if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i + 2);
      if (end < 0) return null;
      i = end + 2;
    } else if (xml.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) return null;
      const end = xml.indexOf(']]>', i + 9);
      if (end < 0) return null;
      i = end + 3;
    } else if (xml.startsWith('<!', i)) {
      return null; // DOCTYPE, ENTITY: not in a logo
    } else if (xml.startsWith('</', i)) {
      const m = NAME.exec(xml.slice(i + 2));
      if (!m) return null;
      const name = m[0];
      let j = i + 2 + name.length;
      while (j < xml.length && /\s/.test(xml[j]!)) j++;
      if (xml[j] !== '>' || stack.pop() !== name) return null;
      i = j + 1;
      if (stack.length === 0) rootClosed = true;
    } else if (xml[i] === '<') {
      if (rootClosed) return null;
      const m = NAME.exec(xml.slice(i + 1));
      if (!m) return null;
      const name = m[0];
      let j = i + 1 + name.length;
      const seen = new Set<string>();
      for (;;) {
        const ws = j;
        while (j < xml.length && /\s/.test(xml[j]!)) j++;
        if (xml.startsWith('/>', j)) {
          j += 2;
          if (stack.length === 0) rootClosed = true;
          break;
        }
        if (xml[j] === '>') {
          j += 1;
          stack.push(name);
          break;
        }
        if (j === ws) return null; // attributes are separated by white space
        const a = NAME.exec(xml.slice(j));
        if (!a || seen.has(a[0])) return null;
        seen.add(a[0]);
        j += a[0].length;
        while (j < xml.length && /\s/.test(xml[j]!)) j++;
        if (xml[j] !== '=') return null;
        j++;
        while (j < xml.length && /\s/.test(xml[j]!)) j++;
        const quote = xml[j];
        if (quote !== '"' && quote !== "'") return null;
        const end = xml.indexOf(quote, j + 1);
        if (end < 0) return null;
        const value = xml.slice(j + 1, end);
        if (value.includes('<') || !entitiesOk(value)) return null;
        j = end + 1;
      }
      if (root === null) root = name;
      i = j;
    } else {
      const next = xml.indexOf('<', i);
      const chunk = xml.slice(i, next < 0 ? xml.length : next);
      if (stack.length === 0 && chunk.trim() !== '') return null;
      if (!entitiesOk(chunk)) return null;
      i = next < 0 ? xml.length : next;
    }
  }
  return stack.length === 0 && rootClosed ? root : null;
}

function entitiesOk(text: string): boolean {
  for (let k = text.indexOf('&'); k >= 0; k = text.indexOf('&', k + 1)) {
    const m = ENTITY.exec(text.slice(k));
    if (!m) return false;
    if (!m[0].startsWith('&#') && !PREDEFINED.has(m[0])) return false;
  }
  return true;
}
