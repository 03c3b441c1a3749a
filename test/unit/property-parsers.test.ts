import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { bech32, bech32m, createBase58check } from '@scure/base';
import { entropyToMnemonic } from '@scure/bip39';
import { wordlist as english } from '@scure/bip39/wordlists/english.js';
import { wordlist as simplified } from '@scure/bip39/wordlists/simplified-chinese.js';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { getAddress } from 'viem';
import {
  checkAddress,
  validateAddressForNetwork,
  validateTxHashForNetwork,
} from '../../src/server/chains/addresses.ts';
import { readEmail, visiblePart } from '../../src/server/email/email-parse.ts';
import { AppError } from '../../src/server/errors.ts';
import { markdownToPlainText, renderArticleMarkdown } from '../../src/server/kb/markdown.ts';
import { detectSecrets, redactSecrets, screenFreeTextIn } from '../../src/server/secrets/secret-guard.ts';
import { extractEntities, parseChineseNumber } from '../../src/server/text/entities.ts';
import { truncateText } from '../../src/server/text/width.ts';
import { signIdentityToken, signToken, verifyIdentityToken, verifyToken } from '../../src/server/visitors/tokens.ts';

/**
 * Property-based tests (issue 15) of every pure parser and validator that reads outside input. Each property runs with
 * a fixed seed, so a failure names a counterexample that the same run reproduces; FUZZ_RUNS (npm run fuzz) multiplies
 * the number of runs for a longer search with the same properties.
 */
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 0);
const runs = (normal: number) => ({
  seed: Number(process.env.FUZZ_SEED ?? 20261207),
  numRuns: FUZZ_RUNS > 0 ? normal * FUZZ_RUNS : normal,
});

const sha256 = (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest();
const base58check = createBase58check(sha256);
const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex');
const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });

/** Text as people and attackers send it: any code point, CJK, emoji, full-width forms, control characters. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300, size: 'medium' }),
  fc.string({ unit: 'grapheme', maxLength: 300, size: 'medium' }),
  fc.string({ maxLength: 300, size: 'large' }),
  fc.string({
    unit: fc.constantFrom(...'0x1bcTAfdeZ9 ：，。、\u3000０ｘａ１２３@.-_/+=\n\t'),
    maxLength: 120,
    size: 'large',
  }),
);

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/** The string with the character at a generated position replaced by another character of `alphabet`. */
function mutateOne(value: string, alphabet: string, from = 0) {
  return fc.record({ at: fc.integer({ min: from, max: value.length - 1 }), pick: fc.nat() }).map(({ at, pick }) => {
    const others = [...alphabet].filter((ch) => ch !== value[at]);
    return value.slice(0, at) + others[pick % others.length] + value.slice(at + 1);
  });
}

const fullWidth = (text: string) =>
  text.replace(/[\x21-\x7e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));

describe('addresses and transaction hashes', () => {
  const evm = bytes(20).map((b) => getAddress(`0x${hex(b)}`));
  const btcLegacy = fc
    .tuple(fc.constantFrom(0x00, 0x05), bytes(20))
    .map(([version, payload]) => base58check.encode(Uint8Array.from([version, ...payload])));
  const tron = bytes(20).map((payload) => base58check.encode(Uint8Array.from([0x41, ...payload])));
  const segwitV0 = bytes(20).map((program) => bech32.encode('bc', [0, ...bech32.toWords(program)]));
  const taproot = bytes(32).map((program) => bech32m.encode('bc', [1, ...bech32m.toWords(program)]));

  test('generated valid EVM, BTC and TRON addresses are accepted on their network', () => {
    fc.assert(
      fc.property(evm, btcLegacy, tron, segwitV0, taproot, (e, legacy, t, v0, tr) => {
        for (const address of [e, e.toLowerCase(), `0x${e.slice(2).toUpperCase()}`]) {
          assert.equal(validateAddressForNetwork(address, 'ERC20').ok, true, address);
          assert.equal(validateAddressForNetwork(address, 'BEP20').ok, true, address);
        }
        for (const address of [legacy, v0, v0.toUpperCase(), tr]) {
          assert.equal(validateAddressForNetwork(address, 'BTC').ok, true, address);
        }
        assert.equal(validateAddressForNetwork(t, 'TRC20').ok, true, t);
        // The classic mistake: the right address on the wrong network is refused as such.
        assert.equal(validateAddressForNetwork(t, 'ERC20').ok, false);
        assert.equal(validateAddressForNetwork(e, 'TRC20').ok, false);
      }),
      runs(200),
    );
  });

  test('a TRON address that begins like a testnet bech32 one (TB1…) is still a TRON address', () => {
    // The counterexample the generated-address property found (FUZZ_RUNS=10): version 0x41 and its 20 bytes.
    const address = 'TB115BhpCAFbjPUgniZ36TZYxNB67fPKzr';
    assert.equal(base58check.decode(address)[0], 0x41);
    assert.deepEqual(validateAddressForNetwork(address, 'TRC20'), { ok: true, chain: 'tron', confidence: 'high' });
    assert.equal(validateAddressForNetwork('TB1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq9e75rs', 'BTC').ok, false);
  });

  test('one mistyped character in a checksummed address is refused', () => {
    const cases = [
      // base58check's 32-bit checksum and bech32's BCH code catch any single substitution.
      btcLegacy.chain((address) => mutateOne(address, BASE58).map((bad) => ({ bad, network: 'BTC' }))),
      tron.chain((address) => mutateOne(address, BASE58).map((bad) => ({ bad, network: 'TRC20' }))),
      segwitV0.chain((address) => mutateOne(address, BECH32, 3).map((bad) => ({ bad, network: 'BTC' }))),
      taproot.chain((address) => mutateOne(address, BECH32, 3).map((bad) => ({ bad, network: 'BTC' }))),
      // EIP-55: flipping the case of one letter breaks the checksum unless the address becomes single-case.
      evm
        .filter((address) => /[a-f]/.test(address.slice(2)) && /[A-F]/.test(address.slice(2)))
        .chain((address) =>
          fc.constantFrom(...[...address].flatMap((ch, i) => (i >= 2 && /[a-fA-F]/.test(ch) ? [i] : []))).map((i) => {
            const ch = address[i];
            const flipped = ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
            return { bad: address.slice(0, i) + flipped + address.slice(i + 1), network: 'ERC20' };
          }),
        )
        .filter(
          ({ bad }) => bad.slice(2) !== bad.slice(2).toLowerCase() && bad.slice(2) !== bad.slice(2).toUpperCase(),
        ),
    ];
    fc.assert(
      fc.property(fc.oneof(...cases), ({ bad, network }) => {
        assert.equal(validateAddressForNetwork(bad, network).ok, false, `${bad} on ${network}`);
      }),
      runs(400),
    );
  });

  test('any string is judged without throwing, the same way in full-width and with spaces around it', () => {
    const networks = fc.constantFrom('ERC20', 'TRC20', 'BTC', 'SOL', 'TON', 'XRP', 'LTC', 'DOGE', 'nope', '');
    const candidates = fc.oneof(anyText, evm, btcLegacy, tron, segwitV0, taproot, bytes(32).map(hex));
    fc.assert(
      fc.property(candidates, networks, (text, network) => {
        const address = validateAddressForNetwork(text, network);
        const hash = validateTxHashForNetwork(text, network);
        assert.deepEqual(validateAddressForNetwork(fullWidth(text), network), address);
        assert.deepEqual(validateAddressForNetwork(` ${text}\n`, network), address);
        assert.deepEqual(validateTxHashForNetwork(fullWidth(text), network), hash);
        // What validates as an address on a network is an address of that network's family.
        if (address.ok) assert.equal(checkAddress(text)?.ok, true);
        // Nothing is both a valid address and a valid transaction hash of one network.
        assert.ok(!(address.ok && hash.ok), text);
      }),
      runs(1500),
    );
  });

  test('generated transaction hashes are accepted in their network format and a broken one is refused', () => {
    const hash = bytes(32).map(hex);
    const broken = hash.chain((h) =>
      fc.oneof(
        mutateOne(h, 'ghijklmnopqrstuvwxyzGXZ_-+ 。'),
        fc.nat({ max: 63 }).map((at) => h.slice(0, at) + h.slice(at + 1)),
        fc.constant(`${h}0`),
      ),
    );
    fc.assert(
      fc.property(hash, broken, (h, bad) => {
        const evmHash = validateTxHashForNetwork(`0x${h.toUpperCase()}`, 'ERC20');
        assert.deepEqual(evmHash, { ok: true, normalized: `0x${h}` });
        assert.deepEqual(validateTxHashForNetwork(h, 'BTC'), { ok: true, normalized: h });
        assert.deepEqual(validateTxHashForNetwork(h, 'TRC20'), { ok: true, normalized: h });
        assert.equal(validateTxHashForNetwork(h, 'ERC20').ok, false, 'bare hex on an EVM network');
        for (const network of ['ERC20', 'BTC', 'TRC20', 'LTC']) {
          const text = network === 'ERC20' ? `0x${bad}` : bad;
          assert.equal(validateTxHashForNetwork(text, network).ok, false, `${text} on ${network}`);
        }
      }),
      runs(300),
    );
  });
});

describe('identity tokens', () => {
  const SECRET = 'exchange-identity-secret';
  const now = Date.UTC(2026, 11, 7);
  const exp = Math.floor(now / 1000) + 600;
  const claims = fc.record(
    {
      uid: fc.string({ minLength: 1, maxLength: 128 }).filter((uid) => uid.isWellFormed() && !uid.includes('\0')),
      name: fc.string({ maxLength: 200 }).filter((name) => name.isWellFormed() && !name.includes('\0')),
      locale: fc.constantFrom('zh-CN' as const, 'zh-TW' as const, 'en' as const),
      vipLevel: fc.integer({ min: 0, max: 20 }),
    },
    { requiredKeys: ['uid'] },
  );

  test('arbitrary strings and JSON are refused without throwing', () => {
    const forged = fc.oneof(
      anyText,
      fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
      fc
        .tuple(fc.jsonValue(), anyText)
        .map(([value, sig]) => `${Buffer.from(JSON.stringify(value)).toString('base64url')}.${sig}`),
      // Validly shaped claims signed with another key.
      claims.map((c) => signIdentityToken('another-secret', { ...c, exp })),
    );
    fc.assert(
      fc.property(forged, (token) => {
        assert.equal(verifyIdentityToken(SECRET, token, now), undefined);
        assert.equal(verifyToken(SECRET, token), undefined);
      }),
      runs(1000),
    );
  });

  test('a token we signed is accepted, and any one bit flipped in it is refused', () => {
    fc.assert(
      fc.property(claims, fc.nat(), fc.integer({ min: 0, max: 6 }), (c, at, bit) => {
        const token = signIdentityToken(SECRET, { ...c, exp });
        assert.deepEqual(verifyIdentityToken(SECRET, token, now), { ...c, exp });
        const i = at % token.length;
        const flipped = token.slice(0, i) + String.fromCharCode(token.charCodeAt(i) ^ (1 << bit)) + token.slice(i + 1);
        assert.equal(verifyIdentityToken(SECRET, flipped, now), undefined, `bit ${bit} of character ${i}`);
      }),
      runs(500),
    );
  });

  test('a signed token with arbitrary claims is either refused or throws invalid_characters, never anything else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (payload) => {
        const token = signToken(SECRET, { exp, ...(payload && typeof payload === 'object' ? payload : { payload }) });
        try {
          const result = verifyIdentityToken(SECRET, token, now);
          if (result) assert.equal(typeof result.uid, 'string');
        } catch (error) {
          assert.ok(error instanceof AppError && error.code === 'invalid_characters', String(error));
        }
      }),
      runs(500),
    );
  });
});

describe('article Markdown renders inert HTML', () => {
  const ALLOWED_TAGS = new Set(
    'h1 h2 h3 h4 p br hr strong em s code pre blockquote ul ol li a table thead tbody tr th td span'.split(' '),
  );
  const ALLOWED_ATTRIBUTES = new Set(['href', 'title', 'rel', 'target', 'align', 'start']);

  /** Every tag in the output, with its attributes (sanitize-html always writes attribute values double-quoted). */
  function assertInert(html: string, source: string): void {
    const lower = html.toLowerCase();
    for (const forbidden of ['<script', '<iframe', '<svg', '<img', '<object', '<embed', '<style', '<form', '<base']) {
      assert.ok(!lower.includes(forbidden), `${forbidden} from ${JSON.stringify(source)}: ${html}`);
    }
    for (const [whole, name, attributes] of html.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)) {
      assert.ok(ALLOWED_TAGS.has(name.toLowerCase()), `tag ${whole} from ${JSON.stringify(source)}`);
      const rest = attributes.replace(/\s+([a-z-]+)="([^"]*)"/g, (_all, attribute: string, value: string) => {
        assert.ok(ALLOWED_ATTRIBUTES.has(attribute), `attribute ${attribute} in ${whole}`);
        if (attribute === 'href') {
          const decoded = value
            .replace(/&amp;/g, '&')
            .replace(/&#x?[0-9a-f]+;?/gi, '')
            .replace(/[\p{Cc}\s]/gu, '');
          assert.match(decoded, /^(?:https?:\/\/|mailto:|\/(?!\/)|#)/i, `href in ${whole}`);
        }
        return '';
      });
      assert.equal(rest.replace(/\s*\/?$/, ''), '', `unparsed attributes in ${whole}`);
    }
  }

  const scheme = fc.constantFrom(
    'javascript:',
    'JaVaScRiPt:',
    'java\tscript:',
    ' javascript:',
    '&#106;avascript:',
    '&#x6A;avascript:',
    'vbscript:',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'data:text/html,<script>alert(1)</script>',
    '//evil.example/',
    'javascript&colon;',
  );
  const code = fc.constantFrom(
    'alert(1)',
    'window.__xss=1',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-literal payload, meant as plain text
    '`${alert(1)}`',
    '{{constructor.constructor("alert(1)")()}}',
  );
  const payload = fc.oneof(
    fc.tuple(scheme, code).map(([s, c]) => `[click](${s}${c})`),
    fc.tuple(scheme, code).map(([s, c]) => `![x](${s}${c})`),
    fc.tuple(scheme, code).map(([s, c]) => `<${s}${c}>`),
    fc.tuple(scheme, code).map(([s, c]) => `[ref][1]\n\n[1]: ${s}${c} "t"`),
    fc.tuple(scheme, code).map(([s, c]) => `[x](<${s}${c}>)`),
    fc
      .tuple(
        fc.constantFrom('script', 'img', 'svg', 'iframe', 'a', 'div', 'style', 'object', 'embed', 'math', 'details'),
        fc.constantFrom(
          'src=x onerror=alert(1)',
          'onload="alert(1)"',
          'href="javascript:alert(1)"',
          'style="width:expression(alert(1))"',
          'srcdoc="<script>alert(1)</script>"',
          'ontoggle=alert(1) open',
          '',
        ),
        code,
      )
      .map(([tag, attributes, c]) => `<${tag} ${attributes}>${c}</${tag}>`),
    code.map((c) => `"><script>${c}</script>`),
    code.map((c) => `\`\`\`html\n<script>${c}</script>\n\`\`\``),
    code.map((c) => `| a | <img src=x onerror=${c}> |\n|---|---|\n| [x](javascript:${c}) | b |`),
  );
  const document = fc
    .array(fc.oneof(payload, fc.string({ maxLength: 40 }), fc.constantFrom('\n\n', '> ', '* ', '1. ', '# ', '**')), {
      maxLength: 8,
    })
    .map((parts) => parts.join(''));

  test('script payloads in any Markdown never reach the HTML as tags, handlers, styles or script URLs', () => {
    fc.assert(
      fc.property(fc.oneof(document, anyText), (source) => {
        assertInert(renderArticleMarkdown(source), source);
        assert.equal(typeof markdownToPlainText(source), 'string');
      }),
      runs(600),
    );
  });
});

describe('email parsing', () => {
  const header = fc.constantFrom(
    'From: ',
    'To: ',
    'Cc: ',
    'Subject: ',
    'Message-ID: ',
    'In-Reply-To: ',
    'References: ',
    'Content-Type: multipart/mixed; boundary=',
    'Content-Type: text/html; charset=',
    'Content-Transfer-Encoding: ',
    'Auto-Submitted: ',
    'Precedence: ',
  );
  const value = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.constantFrom(
      '=?utf-8?B?5L2g5aW9?=',
      '=?bogus?Q?=ZZ?=',
      '"Eve" <eve@example.com>, <<>>',
      'support+abcdefghijklmnop0123@lumen.example',
      'base64',
      'quoted-printable',
      'x-unknown-charset',
      '"--b"',
      '<a@b> <c@d',
    ),
  );
  const mangledMime = fc
    .tuple(
      fc.array(fc.tuple(header, value), { maxLength: 8 }),
      fc.array(
        fc.oneof(value, fc.constantFrom('--b\r\n', '--b--', 'Content-Type: text/plain\r\n\r\n', '=\r\n', '=E4')),
        {
          maxLength: 8,
        },
      ),
    )
    .map(([headers, body]) => `${headers.map(([h, v]) => h + v).join('\r\n')}\r\n\r\n${body.join('\r\n')}`);
  const input = fc.oneof(
    fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
    mangledMime.map((text) => Buffer.from(text, 'latin1')),
    mangledMime.map((text) => Buffer.from(text, 'utf8')),
  );

  test('arbitrary bytes and mangled MIME are read without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(input, async (raw) => {
        const mail = await simpleParser(raw);
        const read = readEmail(mail, { from: 'sender@example.com', to: ['support@lumen.example'] });
        assert.equal(typeof read.visibleText, 'string');
        assert.equal(typeof read.subject, 'string');
        assert.ok(!read.subject.includes('\n'));
        assert.ok(read.messageId.startsWith('<'));
        for (const id of read.inReplyTo) assert.match(id, /^<[^<>\s]+>$/);
      }),
      runs(300),
    );
  });

  test('the visible part of any text is a string no longer than the text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        assert.ok(visiblePart(text).length <= text.trim().length + 1);
      }),
      runs(500),
    );
  });
});

describe('secret guard', () => {
  const phrase = fc.oneof(
    fc.constantFrom(16, 20, 24, 28, 32).chain((n) => bytes(n).map((entropy) => entropyToMnemonic(entropy, english))),
    fc.constantFrom(16, 32).chain((n) => bytes(n).map((entropy) => entropyToMnemonic(entropy, simplified))),
  );
  // Around the phrase: anything, cut off from it by a separator (a letter glued on would make a different word).
  const surrounding = fc.tuple(anyText, fc.constantFrom(' ', '\n', '：', ': ', '，', '. ', '\t'));

  test('a valid BIP-39 phrase embedded in arbitrary text is always redacted', () => {
    fc.assert(
      fc.property(surrounding, phrase, surrounding, ([before, sep1], words, [after, sep2]) => {
        const text = `${before}${sep1}${words}${sep2}${after}`;
        const redacted = redactSecrets(text).text;
        const wordsOf = words.split(' ');
        assert.ok(!redacted.includes(words), `phrase kept in ${JSON.stringify(redacted)}`);
        // Not even half of it survives in one piece.
        const half = wordsOf.slice(0, Math.ceil(wordsOf.length / 2)).join(' ');
        assert.ok(!redacted.includes(half), `half the phrase kept in ${JSON.stringify(redacted)}`);
        assert.ok(redacted.includes('[redacted: seed phrase]'));
        assert.deepEqual(screenFreeTextIn({ note: [text] }), { note: [redacted] });
      }),
      runs(300),
    );
  });

  test('any text is screened without throwing, and findings lie inside it', () => {
    fc.assert(
      fc.property(anyText, fc.boolean(), (text, otpRequested) => {
        const findings = detectSecrets(text, { otpRequested });
        for (const f of findings) assert.ok(f.start >= 0 && f.start < f.end && f.end <= text.length, JSON.stringify(f));
        // Redacting twice changes nothing more: the markers themselves are not secrets.
        const once = redactSecrets(text, { otpRequested }).text;
        assert.equal(redactSecrets(once, { otpRequested }).text, once);
      }),
      runs(800),
    );
  });
});

describe('entities', () => {
  const pieces = fc.oneof(
    anyText,
    fc.constantFrom(
      '0x',
      'TRC20',
      'USDT',
      '一千二百三十四点五',
      '1,234.5',
      '１２３４',
      '万',
      '亿',
      '点',
      'bc1',
      '0:',
      '-1:',
      'txid:',
      '@',
      '.',
      'e9999',
      '9'.repeat(400),
    ),
    bytes(32).map(hex),
    bytes(20).map((b) => getAddress(`0x${hex(b)}`)),
  );
  const message = fc.array(pieces, { maxLength: 10 }).map((parts) => parts.join(' '));

  test('any message is read without throwing, and every address it reports validates', () => {
    fc.assert(
      fc.property(message, (text) => {
        const entities = extractEntities(text);
        for (const address of entities.addresses) assert.equal(checkAddress(address.value)?.ok, true, address.value);
        for (const value of [text, ...text.split(' ')]) {
          const parsed = parseChineseNumber(value);
          assert.ok(parsed === null || /^-?\d+(\.\d+)?$/.test(parsed), `${value} → ${parsed}`);
        }
      }),
      runs(800),
    );
  });
});

describe('excerpts', () => {
  test('a truncated excerpt of well-formed text is well-formed, a prefix, and at most one unit short', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300, size: 'large' }), fc.nat({ max: 320 }), (text, max) => {
        const cut = truncateText(text, max);
        assert.ok(cut.isWellFormed(), JSON.stringify(cut));
        assert.ok(text.startsWith(cut));
        assert.ok(cut.length <= max && cut.length >= Math.min(text.length, max) - 1);
      }),
      runs(500),
    );
  });
});
