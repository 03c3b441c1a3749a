import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBuiltinIntent } from '../../src/contracts/intents.ts';
import { loadStarterKb } from '../../src/server/kb/starter.ts';
import { buildKbIndex, type KbArticle, type KbLocale, searchKb, stemWord } from '../../src/server/kb/search.ts';

const articles = loadStarterKb();
const index = buildKbIndex(articles);

describe('searchKb over the starter knowledge base', () => {
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
    ['finds the 2FA reset article in Traditional Chinese', '谷歌驗證丟了，怎麼重置', 'zh-TW', 'twofa-reset'],
    ['finds the liquidation article from a past participle', 'got liquidated', 'en', 'liquidation-explained'],
    ['finds the official-channels article', 'is this telegram account official', 'en', 'verify-official-channels'],
    // Synonym groups (data/kb/synonyms.txt): the articles say 充值 / 提币 / 谷歌验证.
    ['reads 入金 as a deposit', '入金一直没到账', 'zh-CN', 'deposit-not-credited'],
    ['reads 入金 as a deposit in Traditional Chinese', '入金沒到帳', 'zh-TW', 'deposit-not-credited'],
    ['reads 出金 as a withdrawal', '出金一直在審核中', 'zh-TW', 'withdrawal-review-status'],
    ['reads 双重验证 as Google Authenticator', '双重验证怎么开启', 'zh-CN', 'twofa-setup-google-authenticator'],
    ['reads "cash out" as a withdrawal', 'cash out to my wallet', 'en', 'withdrawal-how-to'],
    ['reads "top up" as a deposit', 'how do I top up', 'en', 'how-to-deposit-crypto'],
    // Misspelt English words are read as the nearest vocabulary word.
    ['forgives two misspellings', 'withdrawl pendng', 'en', 'withdrawal-review-status'],
    ['forgives a dropped letter in a long word', 'liquidaton price', 'en', 'futures-liquidation-funding'],
  ];
  for (const [behaviour, query, locale, slug] of cases) {
    it(behaviour, () => {
      const results = searchKb(index, query, { locale });
      assert.ok(results.length > 0, 'no results');
      assert.equal(results[0].article.slug, slug, results.map((r) => `${r.article.slug}:${r.score}`).join(' '));
      assert.equal(results[0].article.locale, locale);
    });
  }

  it('ranks the 2FA articles first when a lost authenticator follows a new phone', () => {
    // Known weakness: "换手机" is the title of the move-to-a-new-phone article, so it edges out the reset article.
    const slugs = searchKb(index, '換手機了，谷歌驗證丟了', { locale: 'zh-TW', limit: 2 }).map((r) => r.article.slug);
    assert.deepEqual([...slugs].sort(), ['twofa-change-device', 'twofa-reset']);
  });

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

describe('searchKb synonyms and spelling', () => {
  it('matches a group term only through the group: without synonyms 入金 misses the 充值 articles', () => {
    const plain = buildKbIndex(articles, { synonyms: [] });
    const top = (i: typeof index) => searchKb(i, '入金一直没到账', { locale: 'zh-CN' })[0]?.article.slug;
    assert.equal(top(index), 'deposit-not-credited');
    const mini = [
      makeArticle('deposit', 'zh-CN', '充值说明', '充值需要等待区块确认后到账。'),
      makeArticle('other', 'zh-CN', '登录说明', '登录需要密码。'),
    ];
    assert.deepEqual(searchKb(buildKbIndex(mini, { synonyms: [] }), '入金', { locale: 'zh-CN' }), []);
    assert.equal(searchKb(buildKbIndex(mini), '入金', { locale: 'zh-CN' })[0]?.article.id, 'deposit');
    assert.ok(plain.articles.length === index.articles.length);
  });

  it('takes an organisation’s own groups, with Traditional and case folded', () => {
    const mini = [
      makeArticle('earn', 'zh-CN', '理财产品', '活期理财随时申购赎回。'),
      makeArticle('other', 'en', 'Other', 'Nothing here.'),
    ];
    const custom = buildKbIndex(mini, { synonyms: [['理财', 'Lumen Earn', '賺幣']] });
    assert.equal(searchKb(custom, 'lumen earn', { locale: 'zh-CN' })[0]?.article.id, 'earn');
    assert.equal(searchKb(custom, '賺幣', { locale: 'zh-TW' })[0]?.article.id, 'earn');
  });

  it('ranks a literal match above a synonym-only match', () => {
    const mini = buildKbIndex([
      makeArticle('synonym', 'zh-CN', '入金说明', '入金需要等待。'),
      makeArticle('literal', 'zh-CN', '充值说明', '充值需要等待。'),
    ]);
    assert.deepEqual(
      searchKb(mini, '充值', { locale: 'zh-CN' }).map((r) => r.article.id),
      ['literal', 'synonym'],
    );
  });

  it('starts the snippet at a synonym the article uses', () => {
    const filler = 'Lorem ipsum dolor sit amet. '.repeat(12);
    const mini = buildKbIndex([makeArticle('d', 'en', 'Funding', `${filler}To deposit, open Assets. ${filler}`)]);
    const [top] = searchKb(mini, 'top up', { locale: 'en' });
    assert.match(top.snippet, /^…To deposit/);
  });

  it('corrects only unknown words, within one edit from 4 letters and two from 8', () => {
    const mini = buildKbIndex([
      makeArticle('w', 'en', 'Withdrawals', 'A withdrawal is pending while it is reviewed.'),
      makeArticle('l', 'en', 'Liquidation', 'Liquidation closes a position.'),
    ]);
    assert.equal(searchKb(mini, 'pendng', { locale: 'en' })[0]?.article.id, 'w');
    assert.equal(searchKb(mini, 'liqidaton', { locale: 'en' })[0]?.article.id, 'l', 'two edits in a long word');
    assert.deepEqual(searchKb(mini, 'pnedgn', { locale: 'en' }), [], 'too far');
    assert.deepEqual(searchKb(mini, 'pnd', { locale: 'en' }), [], 'too short to correct');
  });

  it('ranks a correctly spelt match above a corrected one', () => {
    const mini = buildKbIndex([
      makeArticle('typo', 'en', 'Pending', 'Pending.'),
      makeArticle('exact', 'en', 'Spending', 'Spending.'),
    ]);
    // "spending" is in the vocabulary: no correction, only the exact article.
    assert.deepEqual(
      searchKb(mini, 'spending', { locale: 'en' }).map((r) => r.article.id),
      ['exact'],
    );
  });
});

describe('searchKb category filter', () => {
  it('keeps only the asked category', () => {
    const all = searchKb(index, 'withdrawal fee', { locale: 'en', limit: 20 });
    assert.ok(new Set(all.map((r) => r.article.category)).size > 1);
    const only = searchKb(index, 'withdrawal fee', { locale: 'en', limit: 20, category: 'withdrawals' });
    assert.ok(only.length > 0);
    assert.ok(only.every((r) => r.article.category === 'withdrawals'));
    assert.equal(only[0].article.slug, 'withdrawal-fees-limits');
  });

  it('filters the intent-tagged articles too, and an unknown category finds nothing', () => {
    const hinted = searchKb(index, 'hello', { locale: 'en', intent: 'withdrawal_fee_limits', category: 'fees-vip' });
    assert.deepEqual(
      hinted.map((r) => r.article.slug),
      ['fees-deposit-withdrawal'],
    );
    assert.deepEqual(searchKb(index, 'withdrawal', { locale: 'en', category: 'no-such-category' }), []);
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
  it('lifts an article tagged with the intent above an otherwise better text match', () => {
    const query = 'withdrawal';
    const plain = searchKb(index, query, { locale: 'en' });
    assert.ok(!plain[0].article.intents.includes('withdrawal_fee_limits'), plain[0].article.slug);
    const hinted = searchKb(index, query, { locale: 'en', intent: 'withdrawal_fee_limits' });
    assert.ok(hinted[0].article.intents.includes('withdrawal_fee_limits'), hinted[0].article.slug);
  });

  it('surfaces tagged articles even when no word matches', () => {
    const results = searchKb(index, 'hello', { locale: 'en', intent: 'p2p_dispute' });
    assert.deepEqual(
      results.map((r) => r.article.slug),
      ['p2p-appeal', 'p2p-disputes'],
    );
  });
});

describe('searchKb snippets', () => {
  it('centres the snippet on the query terms of a long body', () => {
    const [top] = searchKb(index, 'funding rate', { locale: 'en' });
    assert.equal(top.article.slug, 'funding-rates');
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

describe('starter knowledge base', () => {
  const slugs = [...new Set(articles.map((a) => a.slug))];

  it('has every article in zh-CN, zh-TW and en with stable ids and urls', () => {
    assert.ok(slugs.length >= 60, String(slugs.length));
    for (const slug of slugs) {
      const texts = articles.filter((a) => a.slug === slug);
      assert.deepEqual(texts.map((a) => a.locale).sort(), ['en', 'zh-CN', 'zh-TW'], slug);
      for (const article of texts) {
        assert.equal(article.id, `starter:${article.locale}:${slug}`);
        assert.equal(article.url, `/help/${article.locale}/${slug}`);
        assert.ok(article.intents.every(isBuiltinIntent), slug);
        assert.ok(article.category && /^[a-z0-9-]+$/.test(article.category), slug);
        assert.equal(article.category, texts[0].category, `${slug}: one category in every locale`);
      }
    }
  });

  it('generates zh-TW from zh-CN in Taiwan wording', () => {
    for (const slug of slugs) {
      const cn = articles.find((a) => a.slug === slug && a.locale === 'zh-CN')!;
      const tw = articles.find((a) => a.slug === slug && a.locale === 'zh-TW')!;
      assert.equal(tw.tags.length, cn.tags.length, slug);
      assert.ok(Array.from(tw.body).length > 0.8 * Array.from(cn.body).length, slug);
    }
    const tw = articles.find((a) => a.id === 'starter:zh-TW:account-compromised')!;
    const cn = articles.find((a) => a.id === 'starter:zh-CN:account-compromised')!;
    assert.notEqual(tw.body, cn.body);
    assert.match(cn.body, /账户/);
    assert.doesNotMatch(tw.body, /账户/);
    assert.match(tw.body, /帳戶/);
  });

  it('has non-trivial bodies: at least 60 words (English) or 100 Han characters (Chinese)', () => {
    for (const article of articles) {
      const size =
        article.locale === 'en'
          ? article.body.split(/\s+/).filter((word) => /[a-z0-9]/i.test(word)).length
          : (article.body.match(/\p{Script=Han}/gu)?.length ?? 0);
      assert.ok(size >= (article.locale === 'en' ? 60 : 100), `${article.id}: ${size}`);
      assert.ok(article.title.trim().length > 0, article.id);
    }
  });

  it('covers the verify-official essentials: never asks for secrets', () => {
    const body = articles.find((a) => a.id === 'starter:en:verify-official-channels')!.body.toLowerCase();
    for (const phrase of ['password', '2fa', 'anti-phishing code']) assert.ok(body.includes(phrase), phrase);
  });
});

function makeArticle(id: string, locale: KbLocale, title: string, body: string): KbArticle {
  return { id, slug: id, locale, title, body, tags: [], intents: [], category: null, url: `/help/${locale}/${id}` };
}
