import fs from 'node:fs';
import zlib from 'node:zlib';
import fontkitBase from '@pdf-lib/fontkit';
import {
  concatTransformationMatrix,
  PDFDocument,
  PDFOperator,
  PDFOperatorNames,
  PDFFlateStream,
  PDFRawStream,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  setFillingRgbColor,
  type PDFFont,
  type PDFImage,
  type PDFPage,
  type RGB,
} from 'pdf-lib';
import QRCode from 'qrcode';

/**
 * The certificate PDF: one landscape page drawn with pdf-lib. No database,
 * no clock: everything printed arrives in `CertificateContent`, already
 * translated and formatted, so the same input gives the same page.
 *
 * Text is set in Noto Sans (SIL Open Font License, `fonts/OFL.txt`),
 * embedded as a subset of the glyphs used, so a name in Latin with
 * diacritics, Greek or Cyrillic prints and stays selectable and searchable
 * (pdf-lib writes a ToUnicode map). Names in a script Noto Sans does not
 * cover are refused before this is called (`unprintableCharacters`).
 */

export type PaperSize = 'a4' | 'letter';
export const PAPER_SIZES: readonly PaperSize[] = ['a4', 'letter'];

/** Landscape page sizes in points. */
const PAGE: Record<PaperSize, [number, number]> = {
  a4: [841.89, 595.28],
  letter: [792, 612],
};

export interface CertificateImage {
  readonly contentType: 'image/png' | 'image/jpeg';
  readonly bytes: Uint8Array;
}

export interface CertificateBranding {
  readonly background: CertificateImage | null;
  readonly logo: CertificateImage | null;
  readonly signatoryName: string;
  readonly signatoryTitle: string;
  readonly signature: CertificateImage | null;
}

export interface CertificateContent {
  readonly paper: PaperSize;
  /** BCP 47 language of the labels, written to the document catalog. */
  readonly language: string;
  readonly programName: string;
  readonly holderName: string;
  readonly credentialName: string;
  readonly credentialNumber: string;
  /** Dates already formatted for the language. */
  readonly awardedOn: string;
  readonly expiresOn: string | null;
  readonly verificationUrl: string;
  readonly branding: CertificateBranding | null;
  /** Accent color `#rrggbb` for the border and rules. */
  readonly accentColor: string;
  readonly labels: {
    readonly heading: string;
    readonly certifies: string;
    readonly hasEarned: string;
    readonly credentialNumber: string;
    readonly awardedOn: string;
    readonly expiresOn: string;
    readonly noExpiry: string;
    readonly verifyAt: string;
  };
  readonly metadata: {
    readonly title: string;
    readonly subject: string;
    readonly keywords: readonly string[];
    /** Written as CreationDate and ModDate (the caller's clock). */
    readonly createdAt: Date;
  };
}

const FONT_DIR = new URL('./fonts/', import.meta.url);
let fonts: { regular: Uint8Array; bold: Uint8Array } | undefined;
function fontBytes(): { regular: Uint8Array; bold: Uint8Array } {
  fonts ??= {
    regular: fs.readFileSync(new URL('NotoSans-Regular.ttf', FONT_DIR)),
    bold: fs.readFileSync(new URL('NotoSans-Bold.ttf', FONT_DIR)),
  };
  return fonts;
}

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
type FontkitFont = Awaited<ReturnType<Fontkit['create']>>;
const fontkit = ((fontkitBase as { default?: Fontkit }).default ?? fontkitBase) as Fontkit;

/**
 * Parsing a 500 kB font is most of the cost of a certificate (about 15 ms).
 * pdf-lib asks fontkit to parse the font again for every document; this
 * fontkit hands back the font parsed the first time for the same bytes.
 * Parsed fonts are only read (subsets are built beside them), so sharing
 * them between documents is safe.
 */
const parsed = new WeakMap<Uint8Array, FontkitFont>();
const cachingFontkit: Fontkit = {
  create(data: Uint8Array, postscriptName?: string) {
    if (postscriptName !== undefined) return fontkit.create(data, postscriptName);
    let font = parsed.get(data);
    if (!font) {
      font = fontkit.create(data);
      fasterFont(font as unknown as LayoutFont);
      parsed.set(data, font);
    }
    return font;
  },
} as Fontkit;

interface LayoutGlyph {
  _decode(): unknown;
}
interface LayoutFont {
  layout(text: string, features?: unknown): { glyphs: LayoutGlyph[] };
  glyphsForString(text: string): LayoutGlyph[];
  getGlyph(id: number, characters?: number[]): LayoutGlyph | null;
}

/**
 * Two shortcuts on a font parsed once and shared, both giving the same
 * glyphs as fontkit's own path:
 * - with every OpenType feature off (`PLAIN`), layout is the character map
 *   alone: pdf-lib uses only the glyphs of a layout, and fontkit would
 *   still build a shaping plan per call;
 * - a glyph's outline record is decoded once, not once per subset that
 *   includes it (fontkit keeps the glyph objects but decodes again).
 */
function fasterFont(font: LayoutFont): void {
  const layout = font.layout.bind(font);
  font.layout = (text, features) =>
    features === PLAIN ? { glyphs: font.glyphsForString(text) } : layout(text, features);
  const getGlyph = font.getGlyph.bind(font);
  const memoized = new WeakSet<LayoutGlyph>();
  font.getGlyph = (id, characters) => {
    const glyph = getGlyph(id, characters);
    if (glyph && !memoized.has(glyph)) {
      memoized.add(glyph);
      const decode = glyph._decode.bind(glyph);
      let decoded: { value: unknown } | undefined;
      glyph._decode = () => (decoded ??= { value: decode() }).value;
    }
    return glyph;
  };
}

/**
 * OpenType features for layout, one object for every document: fontkit
 * keeps its lookup plan per features object. Layout is most of the cost of
 * a certificate, and kerning (GPOS) is most of layout, so only the
 * positioning of combining marks stays on, and only for documents whose text
 * has some (a name typed with combining accents). Names print with the
 * font's default spacing, which is what the font is designed for.
 */
const OFF = [
  'kern',
  'mark',
  'mkmk',
  'ccmp',
  'locl',
  'calt',
  'liga',
  'clig',
  'rlig',
  'frac',
  'numr',
  'dnom',
  'rvrn',
];
export const PLAIN: Record<string, boolean> = Object.fromEntries(OFF.map((f) => [f, false]));
const WITH_MARKS: Record<string, boolean> = { ...PLAIN, ccmp: true, mark: true, mkmk: true };
const COMBINING = /\p{M}/u;

/** The characters of `text` that the certificate font cannot print (none: the name prints). */
export function unprintableCharacters(text: string): string[] {
  // The name is set in bold, the rest in regular: both cover the same characters.
  const font = cachingFontkit.create(fontBytes().bold) as unknown as {
    hasGlyphForCodePoint(codePoint: number): boolean;
  };
  const missing = new Set<string>();
  for (const ch of text) {
    if (!font.hasGlyphForCodePoint(ch.codePointAt(0)!)) missing.add(ch);
  }
  return [...missing];
}

export async function renderCertificate(content: CertificateContent): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  deflateNatively(doc);
  doc.registerFontkit(cachingFontkit);
  const bytes = fontBytes();
  const features = COMBINING.test(allText(content)) ? WITH_MARKS : PLAIN;
  const regular = await doc.embedFont(bytes.regular, { subset: true, features });
  const bold = await doc.embedFont(bytes.bold, { subset: true, features });
  const [width, height] = PAGE[content.paper];
  const page = doc.addPage([width, height]);
  const accent = hexColor(content.accentColor);
  const ink = rgb(0.12, 0.14, 0.16);
  const muted = rgb(0.34, 0.38, 0.42);
  const branding = content.branding;

  const images = {
    background: branding?.background ? await embedImage(doc, branding.background) : null,
    logo: branding?.logo ? await embedImage(doc, branding.logo) : null,
    signature: branding?.signature ? await embedImage(doc, branding.signature) : null,
  };

  if (images.background) {
    // Cover the page, centered, keeping the image's proportions.
    const scale = Math.max(width / images.background.width, height / images.background.height);
    const w = images.background.width * scale;
    const h = images.background.height * scale;
    page.drawImage(images.background, {
      x: (width - w) / 2,
      y: (height - h) / 2,
      width: w,
      height: h,
    });
  } else {
    page.drawRectangle({
      x: 24,
      y: 24,
      width: width - 48,
      height: height - 48,
      borderColor: accent,
      borderWidth: 3,
    });
    page.drawRectangle({
      x: 32,
      y: 32,
      width: width - 64,
      height: height - 64,
      borderColor: accent,
      borderWidth: 0.75,
    });
  }

  const center = (text: string, font: PDFFont, size: number, y: number, color: RGB = ink) => {
    const w = widthOf(font, text, size);
    page.drawText(text, { x: (width - w) / 2, y, size, font, color });
  };
  const maxTextWidth = width - 200;
  // Each measurement is a layout run: measure every string once.
  const widths = new Map<string, number>();
  const widthOf = (font: PDFFont, text: string, size: number) => {
    const key = `${font === bold ? 'b' : 'r'}${text}`;
    let w = widths.get(key);
    if (w === undefined) {
      w = font.widthOfTextAtSize(text, 1);
      widths.set(key, w);
    }
    return w * size;
  };
  const fitSize = (font: PDFFont, text: string, size: number, maxWidth: number) => {
    const w = widthOf(font, text, size);
    return w <= maxWidth ? size : Math.max(size / 3, (size * maxWidth) / w);
  };

  // Program: the logo when there is one, else its name.
  let y = height - 70;
  if (images.logo) {
    const box = fit(images.logo, 220, 64);
    page.drawImage(images.logo, {
      x: (width - box.width) / 2,
      y: y - box.height + 20,
      width: box.width,
      height: box.height,
    });
    y -= box.height;
  } else {
    center(
      content.programName,
      bold,
      fitSize(bold, content.programName, 16, maxTextWidth),
      y,
      accent,
    );
    y -= 24;
  }

  y -= 56;
  center(content.labels.heading, bold, fitSize(bold, content.labels.heading, 34, maxTextWidth), y);
  y -= 40;
  center(content.labels.certifies, regular, 14, y, muted);
  y -= 50;
  const nameSize = fitSize(bold, content.holderName, 36, maxTextWidth);
  center(content.holderName, bold, nameSize, y);
  const ruleHalf = Math.max(180, widthOf(bold, content.holderName, nameSize) / 2 + 16);
  rule(page, width / 2 - ruleHalf, width / 2 + ruleHalf, y - 12, accent);
  y -= 44;
  center(content.labels.hasEarned, regular, 14, y, muted);
  y -= 36;
  center(content.credentialName, bold, fitSize(bold, content.credentialName, 24, maxTextWidth), y);
  y -= 34;
  const details = [
    `${content.labels.credentialNumber} ${content.credentialNumber}`,
    `${content.labels.awardedOn} ${content.awardedOn}`,
    content.expiresOn
      ? `${content.labels.expiresOn} ${content.expiresOn}`
      : content.labels.noExpiry,
  ].join('   ·   ');
  center(details, regular, fitSize(regular, details, 11, maxTextWidth), y, muted);

  // Signatory, bottom left.
  const left = 90;
  const base = 92;
  if (branding && (branding.signatoryName || images.signature)) {
    if (images.signature) {
      const box = fit(images.signature, 170, 48);
      page.drawImage(images.signature, {
        x: left,
        y: base + 6,
        width: box.width,
        height: box.height,
      });
    }
    rule(page, left, left + 200, base, ink);
    page.drawText(branding.signatoryName, {
      x: left,
      y: base - 16,
      size: fitSize(bold, branding.signatoryName, 11, 260),
      font: bold,
      color: ink,
    });
    if (branding.signatoryTitle) {
      page.drawText(branding.signatoryTitle, {
        x: left,
        y: base - 30,
        size: fitSize(regular, branding.signatoryTitle, 9.5, 260),
        font: regular,
        color: muted,
      });
    }
  }

  // Verification, bottom right: the QR code and the same address in print.
  const qrSize = 92;
  const qrRight = width - 80;
  const qrX = qrRight - qrSize;
  const qrY = 80;
  drawQrCode(page, content.verificationUrl, qrX, qrY, qrSize, ink);
  const urlSize = fitSize(regular, content.verificationUrl, 8, 320);
  const verifyWidth = widthOf(regular, content.labels.verifyAt, 8);
  page.drawText(content.labels.verifyAt, {
    x: qrRight - verifyWidth,
    y: qrY - 14,
    size: 8,
    font: regular,
    color: muted,
  });
  page.drawText(content.verificationUrl, {
    x: qrRight - widthOf(regular, content.verificationUrl, urlSize),
    y: qrY - 25,
    size: urlSize,
    font: regular,
    color: ink,
  });

  doc.setTitle(content.metadata.title, { showInWindowTitleBar: true });
  doc.setSubject(content.metadata.subject);
  doc.setAuthor(content.programName);
  doc.setKeywords([...content.metadata.keywords]);
  doc.setCreator('Laurel');
  doc.setProducer('Laurel (pdf-lib)');
  doc.setLanguage(content.language);
  doc.setCreationDate(content.metadata.createdAt);
  doc.setModificationDate(content.metadata.createdAt);
  await doc.flush();
  compressPendingStreams(doc);
  return doc.save();
}

/**
 * pdf-lib compresses streams (font subsets, images, the page) with pako, in
 * JavaScript: a third of the time of a certificate. This document's context
 * compresses with Node's zlib instead (the same FlateDecode), for the
 * streams embedders make (`flateStream`); the page's content stream, which
 * pdf-lib compresses only when writing, is compressed the same way by
 * `compressPendingStreams` once everything is drawn.
 */
function deflateNatively(doc: PDFDocument): void {
  const context = doc.context;
  context.flateStream = (contents, dict = {}) =>
    context.stream(zlib.deflateSync(contents), { ...dict, Filter: 'FlateDecode' });
}

function compressPendingStreams(doc: PDFDocument): void {
  for (const [ref, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFFlateStream)) continue;
    if (!(object as unknown as { encode: boolean }).encode) continue;
    const compressed = zlib.deflateSync(object.getUnencodedContents());
    doc.context.assign(ref, PDFRawStream.of(object.dict, compressed));
  }
}

function allText(c: CertificateContent): string {
  return [
    c.programName,
    c.holderName,
    c.credentialName,
    c.credentialNumber,
    c.awardedOn,
    c.expiresOn ?? '',
    c.verificationUrl,
    c.branding?.signatoryName ?? '',
    c.branding?.signatoryTitle ?? '',
    ...Object.values(c.labels),
  ].join(' ');
}

/** Whether pdf-lib can read the image (a PNG or JPEG it cannot decode is refused on upload). */
export async function canEmbed(image: CertificateImage): Promise<boolean> {
  try {
    const doc = await PDFDocument.create();
    await embedImage(doc, image);
    return true;
  } catch {
    return false;
  }
}

function embedImage(doc: PDFDocument, image: CertificateImage): Promise<PDFImage> {
  return image.contentType === 'image/png' ? doc.embedPng(image.bytes) : doc.embedJpg(image.bytes);
}

function fit(image: PDFImage, maxWidth: number, maxHeight: number) {
  const scale = Math.min(maxWidth / image.width, maxHeight / image.height, 1e6);
  return { width: image.width * scale, height: image.height * scale };
}

function rule(page: PDFPage, x1: number, x2: number, y: number, color: RGB): void {
  page.drawLine({ start: { x: x1, y }, end: { x: x2, y }, thickness: 0.75, color });
}

/**
 * The QR code as one filled path of dark runs per row (crisp at any zoom and
 * small in the file), with the four-module quiet zone left white.
 */
function drawQrCode(page: PDFPage, text: string, x: number, y: number, size: number, color: RGB) {
  // A fixed mask pattern: choosing the best of eight (qrcode's default) is most of the
  // cost of the code, and every reader decodes any of them.
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M', maskPattern: 2 });
  const n = qr.modules.size;
  const quiet = 4;
  const module = size / (n + 2 * quiet);
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  // In module units (one module = 1 × 1, row 0 at the top), written as plain
  // integers: hundreds of pdf-lib number objects would cost more than the code.
  const runs: string[] = [];
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!qr.modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && qr.modules.get(row, col)) col++;
      runs.push(`${start} ${n - 1 - row} ${col - start} 1 re`);
    }
  }
  page.pushOperators(
    pushGraphicsState(),
    setFillingRgbColor(color.red, color.green, color.blue),
    concatTransformationMatrix(module, 0, 0, module, x + quiet * module, y + quiet * module),
    PDFOperator.of(PDFOperatorNames.FillNonZero, runs),
    popGraphicsState(),
  );
}

function hexColor(value: string): RGB {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(value);
  if (!m) return rgb(0.11, 0.31, 0.85);
  return rgb(parseInt(m[1]!, 16) / 255, parseInt(m[2]!, 16) / 255, parseInt(m[3]!, 16) / 255);
}
