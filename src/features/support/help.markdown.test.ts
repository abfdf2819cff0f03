import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSafeLink, plainText, renderMarkdown } from './help.markdown.ts';

test('raw HTML is shown as text: a script tag never becomes an element', () => {
  const html = renderMarkdown('Hello <script>alert(1)</script> and <img src=x onerror=alert(2)>');
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img/i);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test('javascript:, data: and vbscript: links are not links, whatever their spelling', () => {
  for (const href of [
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'java\tscript:alert(1)',
    ' javascript:alert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    '//evil.example/x',
  ]) {
    const html = renderMarkdown(`[click](${href}) and <${href}>`);
    assert.doesNotMatch(html, /<a /, `${JSON.stringify(href)} became a link: ${html}`);
    assert.equal(isSafeLink(href), false, href);
  }
  // An HTML-entity-encoded scheme is decoded before the check, and refused too.
  assert.doesNotMatch(renderMarkdown('[x](&#106;avascript:alert(1))'), /<a /);
});

test('http(s), mailto and relative links stay links; external ones get rel=noopener', () => {
  const html = renderMarkdown(
    '[a](https://example.com/x) [b](mailto:help@example.com) [c](/support) [d](#top) [e](help/other)',
  );
  assert.match(html, /<a href="https:\/\/example.com\/x" rel="noopener noreferrer">a<\/a>/);
  assert.match(html, /<a href="mailto:help@example.com">b<\/a>/);
  assert.match(html, /<a href="\/support">c<\/a>/);
  assert.match(html, /<a href="#top">d<\/a>/);
  assert.match(html, /<a href="help\/other">e<\/a>/);
});

test('images are not rendered (no tracking pixels, no script sources)', () => {
  const html = renderMarkdown('![pixel](https://tracker.example/p.gif)');
  assert.doesNotMatch(html, /<img/);
});

test('an h1 in the article becomes an h2 (the page title is the h1)', () => {
  assert.match(renderMarkdown('# Title\n\n## Sub'), /^<h2>Title<\/h2>\n<h2>Sub<\/h2>/);
});

test('plainText removes Markdown marks and shortens', () => {
  assert.equal(plainText('## Hi\n\n**bold** [link](/x)'), 'Hi bold link');
  assert.equal(plainText('x'.repeat(300), 10).length, 10);
});
