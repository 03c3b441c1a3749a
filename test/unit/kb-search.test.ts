import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBuiltinIntent } from '../../src/contracts/intents.ts';
import { loadSeedFaq } from '../../src/server/kb/faq.ts';
import { buildKbIndex, type KbArticle, type KbLocale, searchKb, stemWord } from '../../src/server/kb/search.ts';

const articles = loadSeedFaq();
const index = buildKbIndex(articles);

describe('searchKb over the seed FAQ', () => {
  const cases: [behaviour: string, query: string, locale: KbLocale, slug: string][] = [
    ['finds the deposit article for a Simplified Chinese query', '我的充值还没到账', 'zh-CN', 'deposit-not-credited'],
    [
      'finds the deposit article for a Traditional Chinese query',
      '充幣一直沒到帳怎麼辦',
      'zh-TW',
      'deposit-not-credited',
    ],
    [
      'finds the deposit article for an English query with inflected words',
      'my deposits were not credited after several confirmations',
      'en',
      'deposit-not-credited',
    ],
    [
      'matches withdrawn/withdrawals and reviewing to the review article',
      'withdrawals reviewed',
      'en',
      'withdrawal-review-status',
    ],
    ['maps 提现 to the articles written with 提币', '提现一直在审核中', 'zh-CN', 'withdrawal-review-status'],
    ['finds the memo article', 'forgot the memo for XRP', 'en', 'deposit-missing-memo'],
    ['finds the wrong-network article', 'USDT转错链了', 'zh-CN', 'deposit-wrong-network'],
    ['finds the 2FA reset article in Traditional Chinese', '換手機了，谷歌驗證丟了', 'zh-TW', 'twofa-reset'],
    ['finds the liquidation article from a past participle', 'got liquidated', 'en', 'futures-liquidation-funding'],
    ['finds the official-channels article', 'is this telegram account official', 'en', 'verify-official-channels'],
  ];
  for (const [behaviour, query, locale, slug] of cases) {
    it(behaviour, () => {
      const results = searchKb(index, query, { locale });
      assert.ok(results.length > 0, 'no results');
      assert.equal(results[0].article.slug, slug, results.map((r) => `${r.article.slug}:${r.score}`).join(' '));
      assert.equal(results[0].article.locale, locale);
    });
  }

  it('returns nothing for a query with no indexed word', () => {
    assert.deepEqual(searchKb(index, 'hello', { locale: 'en' }), []);
  });

  it('orders results by descending score and honours the limit', () => {
    const results = searchKb(index, 'withdrawal fee limit', { locale: 'en', limit: 3 });
    assert.equal(results.length, 3);
    for (let i = 1; i < results.length; i++) assert.ok(results[i - 1].score >= results[i].score);
  });

  it('is deterministic', () => {
    const a = searchKb(index, '账户被冻结', { locale: 'zh-CN' });
    const b = searchKb(buildKbIndex(articles), '账户被冻结', { locale: 'zh-CN' });
    assert.deepEqual(a, b);
  });
});

describe('searchKb locales', () => {
  it('answers only in the asked locale when that locale has a match', () => {
    const results = searchKb(index, 'USDT TRC-20', { locale: 'zh-CN', limit: 20 });
    assert.ok(results.length > 0);
    assert.ok(results.every((r) => r.article.locale === 'zh-CN'));
  });

  it('falls back to another locale only when the asked one has no match', () => {
    const mini = buildKbIndex([
      makeArticle('a', 'en', 'Staking rewards', 'Staking rewards are paid daily.'),
      makeArticle('b', 'zh-CN', '质押奖励', '质押奖励每天发放到账户。'),
    ]);
    assert.deepEqual(
      searchKb(mini, '质押', { locale: 'zh-TW' }).map((r) => r.article.id),
      ['b'],
    );
    assert.deepEqual(
      searchKb(mini, 'staking', { locale: 'zh-CN' }).map((r) => r.article.id),
      ['a'],
    );
    assert.deepEqual(
      searchKb(mini, 'staking', { locale: 'en' }).map((r) => r.article.id),
      ['a'],
    );
  });

  it('searches every locale when none is given', () => {
    const locales = new Set(searchKb(index, '2FA', { limit: 100 }).map((r) => r.article.locale));
    assert.deepEqual([...locales].sort(), ['en', 'zh-CN', 'zh-TW']);
  });
});

describe('searchKb intent hint', () => {
  it('lifts the article tagged with the intent above an otherwise better text match', () => {
    const query = 'withdrawal';
    const plain = searchKb(index, query, { locale: 'en' });
    assert.notEqual(plain[0].article.slug, 'withdrawal-fees-limits');
    const hinted = searchKb(index, query, { locale: 'en', intent: 'withdrawal_fee_limits' });
    assert.equal(hinted[0].article.slug, 'withdrawal-fees-limits');
  });

  it('surfaces tagged articles even when no word matches', () => {
    const results = searchKb(index, 'hello', { locale: 'en', intent: 'p2p_dispute' });
    assert.deepEqual(
      results.map((r) => r.article.slug),
      ['p2p-disputes'],
    );
  });
});

describe('searchKb snippets', () => {
  it('centres the snippet on the query terms of a long body', () => {
    const [top] = searchKb(index, 'funding rate', { locale: 'en' });
    assert.equal(top.article.slug, 'futures-liquidation-funding');
    assert.match(top.snippet, /funding rate/i);
    assert.ok(!top.article.body.startsWith(top.snippet.replace(/…$/, '')), 'expected a window, not the opening');
    assert.ok(top.snippet.startsWith('…'));
  });

  it('contains a query term for a Chinese query and stays near 160 characters', () => {
    const [top] = searchKb(index, '资金费率', { locale: 'zh-CN' });
    assert.match(top.snippet, /资金费率/);
    const length = Array.from(top.snippet).length;
    assert.ok(length <= 162 && length >= 100, String(length));
  });

  it('shows Traditional characters from the zh-TW article for a Simplified query', () => {
    const [top] = searchKb(index, '资金费率', { locale: 'zh-TW' });
    assert.match(top.snippet, /資金費率/);
  });

  it('never cuts a surrogate pair, whatever the window', () => {
    // Astral characters (emoji, CJK extension B) on every position, so any cut point lands next to one.
    const body =
      Array.from({ length: 120 }, (_, i) => (i % 2 ? '𠮷😀' : `word${i} `)).join('') +
      ' deposit here ' +
      '🔒𩸽'.repeat(80);
    const mini = buildKbIndex([makeArticle('x', 'en', 'Astral', body)]);
    const [top] = searchKb(mini, 'deposit', { locale: 'en' });
    assert.match(top.snippet, /deposit/);
    assert.ok(top.snippet.startsWith('…') && top.snippet.endsWith('…'));
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(top.snippet), top.snippet);
  });

  it('matches Taiwan wording in a zh-TW body: the query folds the way the body does', () => {
    const mini = buildKbIndex([
      makeArticle('tw', 'zh-TW', '帳戶問題', '如果無法登入，請先檢查網路連線。'),
      makeArticle('other', 'zh-TW', '帳戶問題', '請聯絡客服。'),
    ]);
    assert.equal(searchKb(mini, '登入', { locale: 'zh-TW' })[0]?.article.id, 'tw');
    assert.equal(searchKb(mini, '網路', { locale: 'zh-TW' })[0]?.article.id, 'tw');
  });

  it('returns a short body whole, without ellipses', () => {
    const mini = buildKbIndex([makeArticle('s', 'en', 'Short', 'Deposits arrive after **2** confirmations.')]);
    assert.equal(searchKb(mini, 'deposit', { locale: 'en' })[0].snippet, 'Deposits arrive after 2 confirmations.');
  });
});

describe('stemWord', () => {
  const groups = [
    ['deposit', 'deposits', 'deposited', 'depositing'],
    ['withdraw', 'withdrawal', 'withdrawals', 'withdrawing'],
    ['confirm', 'confirmed', 'confirmations'],
    ['liquidate', 'liquidated', 'liquidation'],
    ['verify', 'verified', 'verification'],
  ];
  for (const group of groups) {
    it(`gives ${group.join('/')} one stem`, () => assert.equal(new Set(group.map(stemWord)).size, 1));
  }
});

describe('seed FAQ', () => {
  it('has every article in all three locales with stable ids and urls', () => {
    const slugs = new Set(articles.map((a) => a.slug));
    assert.ok(slugs.size >= 24, String(slugs.size));
    for (const slug of slugs) {
      for (const locale of ['zh-CN', 'zh-TW', 'en'] as const) {
        const article = articles.find((a) => a.slug === slug && a.locale === locale);
        assert.ok(article, `${slug} missing in ${locale}`);
        assert.equal(article.id, `faq:${locale}:${slug}`);
        assert.equal(article.url, `/help/${locale}/${slug}`);
        assert.ok(article.intents.length > 0 && article.intents.every(isBuiltinIntent), slug);
      }
    }
  });

  it('derives zh-TW from zh-CN by conversion', () => {
    const tw = articles.find((a) => a.id === 'faq:zh-TW:account-compromised')!;
    const cn = articles.find((a) => a.id === 'faq:zh-CN:account-compromised')!;
    assert.notEqual(tw.body, cn.body);
    assert.match(tw.title, /帳戶/);
    assert.equal(Array.from(tw.body).length, Array.from(cn.body).length);
  });

  it('keeps bodies between 80 and 250 words (English) or characters (Chinese)', () => {
    for (const article of articles) {
      const size =
        article.locale === 'en'
          ? article.body.split(/\s+/).filter((word) => /[a-z0-9]/i.test(word)).length
          : (article.body.match(/\p{Script=Han}/gu)?.length ?? 0) + (article.body.match(/[a-z0-9]+/gi)?.length ?? 0);
      assert.ok(size >= 80 && size <= 250, `${article.id}: ${size}`);
    }
  });

  it('covers the verify-official essentials: never asks for secrets, never DMs first', () => {
    const body = articles.find((a) => a.id === 'faq:en:verify-official-channels')!.body;
    for (const phrase of [
      'seed phrase',
      'private key',
      'password',
      '2FA',
      'anti-phishing code',
      'never DMs you first',
    ]) {
      assert.ok(body.toLowerCase().includes(phrase.toLowerCase()), phrase);
    }
  });
});

function makeArticle(id: string, locale: KbLocale, title: string, body: string): KbArticle {
  return { id, slug: id, locale, title, body, tags: [], intents: [], url: `/help/${locale}/${id}` };
}
