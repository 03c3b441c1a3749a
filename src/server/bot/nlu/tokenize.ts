import { normalizeText } from '../../text/normalize.ts';

/**
 * Tokens for both Chinese and English, built for a linear classifier:
 * - word tokens (`w:`) from Intl.Segmenter for Chinese runs plus a small domain lexicon (ICU splits 充值 into 充|值),
 *   regex words for Latin text, with slang and typo rewrites (u → you, withdrawl → withdraw, 冲币 → 充币 …);
 * - word bigrams (`b:`);
 * - concept tokens (`k:`) shared by both languages, so that 提币 and "withdrawal" meet in one feature;
 * - character n-grams (`c:`): 1–3 grams over CJK runs, 2–5 grams inside padded Latin words,
 *   so that 充值/充币/冲币 and deposit/deposited/depositted land close.
 * Machine identifiers (tx hashes, addresses, long ids, numbers) are replaced by placeholder words.
 */
export type TokenFeatures = { words: string[]; chars: string[] };

export type TokenizeOptions = {
  /** Inclusive n-gram range inside padded Latin words. Default [2, 5]. */
  latinCharRange?: [number, number];
  /** Inclusive n-gram range over CJK runs. Default [1, 3]. */
  cjkCharRange?: [number, number];
  /** Emit word bigrams. Default true. */
  wordBigrams?: boolean;
  /** Emit word trigrams (`t:`). Default off. */
  wordTrigrams?: boolean;
  /** Also emit n-grams over the whole Latin word sequence, spanning word boundaries (`x:`). Default off. */
  phraseCharRange?: [number, number] | null;
  /** Add a crude English stem (`s:`) for each Latin word. Default on (helps the small builtin set). */
  stems?: boolean;
};

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

// Whole-word rewrites for chat English: slang, common misspellings of the words this domain depends on.
const WORD_REWRITES: Record<string, string> = {
  u: 'you',
  ur: 'your',
  r: 'are',
  pls: 'please',
  plz: 'please',
  plss: 'please',
  thx: 'thanks',
  thnx: 'thanks',
  tks: 'thanks',
  ty: 'thanks',
  tnx: 'thanks',
  acc: 'account',
  acct: 'account',
  pw: 'password',
  pwd: 'password',
  passwd: 'password',
  pasword: 'password',
  passowrd: 'password',
  withdrawl: 'withdrawal',
  withdrawel: 'withdrawal',
  widthdraw: 'withdraw',
  withdrew: 'withdraw',
  withdraws: 'withdraw',
  withdrawals: 'withdrawal',
  withdrawed: 'withdraw',
  wd: 'withdraw',
  depo: 'deposit',
  deposite: 'deposit',
  diposit: 'deposit',
  deposits: 'deposit',
  depositted: 'deposited',
  recieve: 'receive',
  recieved: 'received',
  recived: 'received',
  havent: "haven't",
  didnt: "didn't",
  cant: "can't",
  dont: "don't",
  doesnt: "doesn't",
  isnt: "isn't",
  wont: "won't",
  im: "i'm",
  tether: 'usdt',
  mfa: '2fa',
  otp: '2fa',
  liquidated: 'liquidation',
  liqudated: 'liquidation',
  liquidated_: 'liquidation',
  acount: 'account',
  accout: 'account',
  verfication: 'verification',
  verifcation: 'verification',
  custmer: 'customer',
};

// Chinese slang and variants rewritten to one spelling before segmentation.
const PHRASE_REWRITES: [RegExp, string][] = [
  [/冲币/g, '充币'],
  [/冲值/g, '充值'],
  [/提现/g, '提币'],
  [/提款/g, '提币'],
  [/出金/g, '提币'],
  // "提不了币" splits the verb from its object; say it the way the data does.
  [/提不(?:了|出来?)币/g, '无法提币'],
  [/充不(?:了|进去?)(?:币|值)/g, '无法充值'],
  [/入金/g, '充值'],
  [/谷歌验证码|谷歌认证|谷歌身份验证器|谷歌验证器|google验证|google authenticator|google auth/g, '谷歌验证'],
  [/登陆/g, '登录'],
  [/秘钥/g, '密钥'],
  [/客服人员|人工客服/g, '人工'],
  [/强制平仓/g, '强平'],
  // Taiwan crypto wording after Traditional → Simplified conversion (帳號 → 帐号, 儲值, 提領, 身分).
  [/帐(?=号|户|户口)/g, '账'],
  [/(?<=到|入|对|转)帐/g, '账'],
  [/储值/g, '充值'],
  [/提领/g, '提币'],
  [/身分/g, '身份'],
  [/稽核/g, '审核'],
];

// Domain words ICU does not know; matched greedily inside CJK runs and emitted as extra word tokens.
const ZH_LEXICON = [
  '充值',
  '充币',
  '到账',
  '提币',
  '爆仓',
  '强平',
  '卡单',
  '放币',
  '谷歌验证',
  '转人工',
  '人工',
  '合约',
  '资金费率',
  '实名',
  '人脸',
  '被盗',
  '盗号',
  '冻结',
  '解冻',
  '手续费',
  '费率',
  '限额',
  '审核',
  '备注',
  '标签',
  '链',
  '网络',
  '主网',
  '转错',
  '充错',
  '密码',
  '登录',
  '锁定',
  '验证码',
  '身份证',
  '认证',
  '挂单',
  '吃单',
  '撤单',
  '成交',
  '下单',
  '现货',
  '杠杆',
  '保证金',
  '申诉',
  '商家',
  '卖家',
  '买家',
  '付款',
  '投诉',
  '维护',
  '官方',
  '客服',
  '骗子',
  '诈骗',
  '钓鱼',
  '新手',
  '注册',
  '密钥',
  '接口',
  '你好',
  '谢谢',
  '再见',
  '在吗',
  '涨',
  '跌',
  '抄底',
];
const ZH_LEXICON_SORTED = [...ZH_LEXICON].sort((a, b) => b.length - a.length);

// Concepts shared across languages; each matching pattern adds one `k:` token.
const CONCEPTS: [string, RegExp][] = [
  ['deposit', /充值|充币|入金|转入|存入|打币|deposit|top ?up/],
  ['withdraw', /提币|出金|转出|提出去|提走|withdraw/],
  ['arrive', /到账|没到|未到|没收到|收到|不到账|credited|arriv|receiv|show(?:ing|s)? up|reflect/],
  ['network', /链|网络|主网|network|chain|trc|erc|bep|bsc|arbitrum|polygon|solana/],
  ['memo', /memo|备注|标签|\btag\b|destination tag|payment id/],
  ['twofa', /谷歌验证|验证器|两步验证|二次验证|2fa|authenticator|安全验证/],
  ['password', /密码|password|passcode/],
  ['login', /登录|登不上|进不去|log ?in|sign ?in|logging/],
  ['locked', /锁定|锁了|被锁|locked|lock/],
  ['hacked', /被盗|盗号|被黑|黑客|hack|stolen|unauthori[sz]ed|not me|didn't make/],
  ['freeze', /冻结|解冻|freez|frozen|禁用|disable/],
  ['kyc', /kyc|实名|人脸|身份证|护照|认证|verif|selfie|passport|identity/],
  ['official', /官方|真假|真的假的|是真的吗|骗子|诈骗|钓鱼|假冒|冒充|official|legit|scam|fake|phishing|impersonat/],
  ['fee', /手续费|费率|费用|收费|fee|commission|maker|taker|charge/],
  ['limit', /限额|额度|最低|最少|最多|上限|下限|limit|minimum|maximum|min\b|max\b/],
  ['api', /api|密钥|接口|key|secret/],
  ['human', /人工|真人|客服|human|agent|real person|representative|operator|someone/],
  ['complaint', /投诉|举报|差评|垃圾|骗人|complain|terrible|worst|useless|ridiculous|unacceptable/],
  ['status', /维护|宕机|打不开|崩了|崩溃|卡顿|暂停|拥堵|maintenance|outage|down\b|suspend|congest|offline/],
  ['futures', /合约|爆仓|强平|杠杆|保证金|资金费率|仓位|futures|perpetual|liquidat|margin|leverage|funding|position/],
  ['p2p', /p2p|c2c|otc|场外|商家|卖家|买家|放币|seller|buyer|merchant|release/],
  ['trade', /下单|挂单|撤单|成交|订单|买入|卖出|交易失败|现货|order|trade|filled|spot|limit order|market order/],
  [
    'invest',
    /涨|跌|抄底|值得买|买什么|推荐.*币|该买|能买|moon|pump|go up|price prediction|should i buy|worth buying|invest/,
  ],
  ['greet', /^(?:你好|您好|哈喽|嗨|在吗|在不在|有人吗|hi|hello|hey|yo|good (?:morning|afternoon|evening))\b/],
  ['thanks', /谢谢|感谢|多谢|再见|拜拜|thank|bye|cheers|appreciate/],
  ['usdt', /usdt|泰达/],
];

const TOKEN = /[\p{Script=Han}]+|[a-z0-9]+(?:'[a-z]+)?/gu;

/** Replace hashes, addresses, long ids and crypto slang so they become stable words. */
export function rewriteForMatching(normalized: string): string {
  let out = normalized;
  out = out.replace(/\b0x[0-9a-f]{64}\b|\b[0-9a-f]{64}\b/g, ' txhash ');
  out = out.replace(
    /\b0x[0-9a-f]{40}\b|\bt[1-9a-z]{33}\b|\bbc1[0-9a-z]{25,87}\b|\b[13][1-9a-z]{25,34}\b/g,
    ' address ',
  );
  out = out.replace(/\b(?=[a-z]*\d)(?=\d*[a-z])[0-9a-z]{20,}\b/g, ' longid ');
  // "100u", "100 u", "我的u没到": U is USDT; a lone "u" in English is "you" (handled by WORD_REWRITES).
  out = out.replace(/(\d)\s*u\b/g, '$1 usdt');
  out = out.replace(/(?<=\p{Script=Han})\s*u(?![a-z])|(?<![a-z])u\s*(?=\p{Script=Han})/gu, ' usdt ');
  for (const [pattern, replacement] of PHRASE_REWRITES) out = out.replace(pattern, replacement);
  return out;
}

function lexiconWords(run: string): string[] {
  const found: string[] = [];
  for (const word of ZH_LEXICON_SORTED) {
    let at = run.indexOf(word);
    while (at >= 0) {
      found.push(word);
      at = run.indexOf(word, at + word.length);
    }
  }
  return found;
}

/** Word tokens of an already normalised text, in reading order (placeholders included). */
export function tokenizeWords(normalized: string): string[] {
  const text = rewriteForMatching(normalized);
  const words: string[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    if (/^\p{Script=Han}/u.test(token)) {
      for (const part of segmenter.segment(token)) if (part.isWordLike) words.push(part.segment);
    } else if (/^\d+$/.test(token)) {
      words.push('num');
    } else {
      words.push(WORD_REWRITES[token] ?? token);
    }
  }
  return words;
}

/** All classifier features for a raw user message. */
export function extractFeatures(text: string, options: TokenizeOptions = {}): TokenFeatures {
  const [latinMin, latinMax] = options.latinCharRange ?? [2, 5];
  const [cjkMin, cjkMax] = options.cjkCharRange ?? [1, 3];
  const normalized = rewriteForMatching(normalizeText(text));
  const words: string[] = [];
  const chars: string[] = [];
  const sequence: string[] = [];

  for (const match of normalized.matchAll(TOKEN)) {
    const token = match[0];
    if (/^\p{Script=Han}/u.test(token)) {
      for (const part of segmenter.segment(token)) if (part.isWordLike) sequence.push(part.segment);
      for (const word of lexiconWords(token)) words.push(`w:${word}`);
      addCharGrams(chars, token, cjkMin, cjkMax);
    } else if (/^\d+(?:\.\d+)?$/.test(token)) {
      sequence.push('num');
    } else {
      const word = WORD_REWRITES[token] ?? token;
      sequence.push(word);
      addCharGrams(chars, ` ${word} `, latinMin, latinMax);
    }
  }
  for (const word of sequence) words.push(`w:${word}`);
  if (options.wordTrigrams) {
    for (let i = 2; i < sequence.length; i++) words.push(`t:${sequence[i - 2]} ${sequence[i - 1]} ${sequence[i]}`);
  }
  if (options.stems ?? true)
    for (const word of sequence) if (/^[a-z]{4,}$/.test(word)) words.push(`s:${stemWord(word)}`);
  if (options.phraseCharRange) {
    const latin = sequence.filter((word) => /^[a-z0-9' ]+$/.test(word)).join(' ');
    const grams: string[] = [];
    addCharGrams(grams, ` ${latin} `, options.phraseCharRange[0], options.phraseCharRange[1]);
    // Only grams that straddle a word boundary: the rest duplicate the per-word grams.
    for (const gram of grams) if (gram.slice(2).trim().includes(' ')) chars.push(`x:${gram.slice(2)}`);
  }
  if (options.wordBigrams ?? true) {
    for (let i = 1; i < sequence.length; i++) words.push(`b:${sequence[i - 1]} ${sequence[i]}`);
  }
  // Concepts see both the raw run (充币 before ICU splits it) and the rewritten words (withdrawl → withdrawal).
  const joined = `${normalized} ${sequence.join(' ')}`;
  for (const [concept, pattern] of CONCEPTS) if (pattern.test(joined)) words.push(`k:${concept}`);
  return { words, chars };
}

/** Very small suffix stripper: enough to merge plural/tense variants for the word block. */
function stemWord(word: string): string {
  return word.replace(/(?:ing|ed|es|s|ly|ment|tion)$/, '') || word;
}

function addCharGrams(out: string[], text: string, minN: number, maxN: number): void {
  // Code points, not UTF-16 units: keeps astral Han characters whole.
  const units = Array.from(text);
  for (let n = minN; n <= maxN; n++) {
    for (let i = 0; i + n <= units.length; i++) out.push(`c:${units.slice(i, i + n).join('')}`);
  }
}
