import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type LinkifyPart, linkify } from '../../src/contracts/linkify.ts';

const link = (href: string, text = href): LinkifyPart => ({ href, text });
const text = (value: string): LinkifyPart => ({ text: value });

const CASES: { name: string; input: string; expected: LinkifyPart[] }[] = [
  { name: 'plain text', input: '我的充值还没到账', expected: [text('我的充值还没到账')] },
  { name: 'empty', input: '', expected: [] },
  {
    name: 'the bot’s help link, with a full stop after it',
    input: '详情：/help/zh-CN/deposit-not-credited。',
    expected: [text('详情：'), link('/help/zh-CN/deposit-not-credited'), text('。')],
  },
  {
    name: 'help link on its own line in the English reply',
    input: 'More: /help/en/find-txid\n\nDid this help?',
    expected: [text('More: '), link('/help/en/find-txid'), text('\n\nDid this help?')],
  },
  {
    name: 'help link followed by a full-width comma and more text',
    input: '请看/help/zh-TW/twofa-reset，謝謝',
    expected: [text('请看'), link('/help/zh-TW/twofa-reset'), text('，謝謝')],
  },
  { name: 'https URL', input: 'https://lumen.example/fees', expected: [link('https://lumen.example/fees')] },
  {
    name: 'http URL with query, sentence punctuation left out',
    input: 'see http://x.test/a?b=1&c=2.',
    expected: [text('see '), link('http://x.test/a?b=1&c=2'), text('.')],
  },
  ...['。', '，', '！', '？', '）', '」', '.', ',', '!', '?'].map((mark) => ({
    name: `trailing ${mark} is not part of the link`,
    input: `https://x.test/p${mark}`,
    expected: [link('https://x.test/p'), text(mark)],
  })),
  {
    name: 'a URL in brackets',
    input: '(https://x.test/a) and （https://x.test/b）',
    expected: [text('('), link('https://x.test/a'), text(') and （'), link('https://x.test/b'), text('）')],
  },
  {
    name: 'balanced brackets inside a URL stay',
    input: 'https://en.wikipedia.org/wiki/Bitcoin_(currency)',
    expected: [link('https://en.wikipedia.org/wiki/Bitcoin_(currency)')],
  },
  {
    name: 'two links',
    input: 'https://a.test/x /help/en/a',
    expected: [link('https://a.test/x'), text(' '), link('/help/en/a')],
  },
  {
    name: 'upper-case scheme is normalised in the href only',
    input: 'HTTPS://A.TEST/x',
    expected: [link('https://a.test/x', 'HTTPS://A.TEST/x')],
  },
  // Hostile inputs: nothing but http(s) and /help/ ever becomes a link, and a link never carries quotes or brackets.
  { name: 'javascript: URL', input: 'javascript:alert(1)', expected: [text('javascript:alert(1)')] },
  { name: 'JavaScript: mixed case', input: 'JaVaScRiPt:alert(1)', expected: [text('JaVaScRiPt:alert(1)')] },
  {
    name: 'data: URL',
    input: 'data:text/html,<script>alert(1)</script>',
    expected: [text('data:text/html,<script>alert(1)</script>')],
  },
  { name: 'vbscript: URL', input: 'vbscript:msgbox(1)', expected: [text('vbscript:msgbox(1)')] },
  {
    name: 'attribute break-out after a URL',
    input: 'https://x.test/"onmouseover=alert(1)',
    expected: [link('https://x.test/'), text('"onmouseover=alert(1)')],
  },
  {
    name: 'single quote and angle bracket end a link',
    input: "https://x.test/a'b https://x.test/<img>",
    expected: [link('https://x.test/a'), text("'b "), link('https://x.test/'), text('<img>')],
  },
  { name: 'protocol-relative URL', input: '//evil.test/help/x', expected: [text('//evil.test/help/x')] },
  { name: 'other same-origin paths', input: '/api/agent/me /HELP/x', expected: [text('/api/agent/me /HELP/x')] },
  { name: '/help/ inside a word or path', input: 'a/help/x ../help/y', expected: [text('a/help/x ../help/y')] },
  { name: 'scheme glued to a word', input: 'xhttps://x.test', expected: [text('xhttps://x.test')] },
  { name: 'scheme without a host', input: 'https:// and http://', expected: [text('https:// and http://')] },
  {
    name: 'javascript: hidden after a help path is not part of it',
    input: '/help/en/x javascript:alert(1)',
    expected: [link('/help/en/x'), text(' javascript:alert(1)')],
  },
  {
    name: 'backslash ends a help path',
    input: '/help/\\evil.test',
    expected: [link('/help/'), text('\\evil.test')],
  },
];

describe('linkify', () => {
  for (const { name, input, expected } of CASES) {
    test(name, () => {
      const parts = linkify(input);
      assert.deepEqual(parts, expected);
      assert.equal(parts.map((part) => part.text).join(''), input, 'the parts add up to the input');
      for (const part of parts) {
        if (!('href' in part)) continue;
        assert.match(part.href, /^(https?:\/\/[^\s"'<>`]+|\/help\/[^\s"'<>`\\]*)$/i);
      }
    });
  }
});
