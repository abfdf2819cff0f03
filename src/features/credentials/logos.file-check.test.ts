import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  MAX_LOGO_BYTES,
  checkLogoFile,
  detectLogoKind,
  wellFormedRoot,
} from './logos.file-check.ts';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const SVG = Buffer.from(
  '<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>A &amp; B</title><rect width="10" height="10"/></svg>\n',
);
const EPS = Buffer.from('%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n', 'latin1');
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]);

describe('detectLogoKind', () => {
  test('recognizes PNG, SVG, EPS and ZIP by content', () => {
    assert.equal(detectLogoKind(PNG), 'png');
    assert.equal(detectLogoKind(SVG), 'svg');
    assert.equal(detectLogoKind(EPS), 'eps');
    assert.equal(detectLogoKind(ZIP), 'zip');
    assert.equal(detectLogoKind(Buffer.from([0xc5, 0xd0, 0xd3, 0xc6, 0, 0])), 'eps');
  });

  test('refuses HTML, plain PostScript, JPEG and text', () => {
    assert.equal(detectLogoKind(Buffer.from('<html><body>hi</body></html>')), null);
    assert.equal(detectLogoKind(Buffer.from('%!PS-Adobe-3.0\nshowpage\n')), null);
    assert.equal(detectLogoKind(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), null);
    assert.equal(detectLogoKind(Buffer.from('just text')), null);
  });
});

describe('wellFormedRoot', () => {
  test('reads the root of well-formed XML', () => {
    assert.equal(wellFormedRoot('<svg><g><path d="M0 0"/></g></svg>'), 'svg');
    assert.equal(wellFormedRoot('<svg a=\'1\' b="2"><![CDATA[ x < y ]]></svg>'), 'svg');
  });

  test('refuses what is not well-formed', () => {
    for (const bad of [
      '<svg><g></svg>',
      '<svg></svg><svg></svg>',
      '<svg a="1" a="2"></svg>',
      '<svg a=1></svg>',
      '<svg>&nbsp;</svg>',
      '<svg>a < b</svg>',
      'text<svg></svg>',
      '<svg>',
      '<!DOCTYPE svg [<!ENTITY x "y">]><svg>&x;</svg>',
    ]) {
      assert.equal(wellFormedRoot(bad), null, bad);
    }
  });
});

describe('checkLogoFile', () => {
  test('accepts a file whose name agrees with its content, with a safe name', () => {
    assert.deepEqual(checkLogoFile({ bytes: SVG, name: '../../Logo "main".svg' }), {
      ok: true,
      kind: 'svg',
      fileName: 'Logo _main_.svg',
    });
    assert.deepEqual(checkLogoFile({ bytes: EPS, name: 'logo.EPS' }), {
      ok: true,
      kind: 'eps',
      fileName: 'logo.eps',
    });
  });

  test('refuses a PNG named .svg, an SVG named .png and a file without an extension', () => {
    assert.deepEqual(checkLogoFile({ bytes: PNG, name: 'logo.svg' }), {
      ok: false,
      problem: 'mismatch',
    });
    assert.deepEqual(checkLogoFile({ bytes: SVG, name: 'logo.png' }), {
      ok: false,
      problem: 'mismatch',
    });
    assert.deepEqual(checkLogoFile({ bytes: ZIP, name: 'logo' }), {
      ok: false,
      problem: 'mismatch',
    });
  });

  test('refuses empty, truncated and oversized files', () => {
    assert.deepEqual(checkLogoFile({ bytes: Buffer.alloc(0), name: 'a.png' }), {
      ok: false,
      problem: 'empty',
    });
    assert.deepEqual(checkLogoFile({ bytes: PNG, name: 'a.png', truncated: true }), {
      ok: false,
      problem: 'tooLarge',
    });
    const big = Buffer.concat([PNG, Buffer.alloc(MAX_LOGO_BYTES)]);
    assert.deepEqual(checkLogoFile({ bytes: big, name: 'a.png' }), {
      ok: false,
      problem: 'tooLarge',
    });
  });
});
