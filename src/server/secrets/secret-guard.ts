// Secret guard: finds seed phrases, private keys, 2FA codes and passwords in what people type (customer and agent
// messages, and every free-text field through screenFreeText) so they can be redacted before storage, and blocks
// agent messages that ask a customer for any of them.
import { createHash } from 'node:crypto';
import { validateMnemonic } from '@scure/bip39';
import { wordlist as englishWords } from '@scure/bip39/wordlists/english.js';
import { wordlist as simplifiedWords } from '@scure/bip39/wordlists/simplified-chinese.js';
import { wordlist as traditionalWords } from '@scure/bip39/wordlists/traditional-chinese.js';
import { base58 } from '@scure/base';
import type { Locale } from '../../contracts/domain.ts';
import { normalizeWidth } from '../text/width.ts';

export type SecretKind = 'seed_phrase' | 'seed_phrase_suspect' | 'private_key' | 'otp_code' | 'password';
export type SecretFinding = { kind: SecretKind; start: number; end: number };
export type DetectOptions = {
  // The platform itself just asked for a one-time code (e.g. its own verification step): a 6-digit answer is
  // expected there and is not reported as a leaked 2FA code.
  otpRequested?: boolean;
  // A short value (a name, a label, an attribute): a bare six-digit number there is an id or an amount far more
  // often than a 2FA code, so codes are not looked for.
  ignoreOneTimeCodes?: boolean;
};
export type RequestedSecretKind = 'seed_phrase' | 'private_key' | 'password' | 'otp_code';
export type SecretRequest = { kind: RequestedSecretKind; phrase: string };

const VALID_SEED_LENGTHS = [24, 21, 18, 15, 12];

// ---------------------------------------------------------------------------------------------------------------
// Seed phrases

const ENGLISH_SET = new Set(englishWords);
// BIP-39 words are unique in their first four letters, so a mistyped word usually keeps a known 4-letter prefix.
const ENGLISH_PREFIXES = new Set(englishWords.map((w) => w.slice(0, 4)));
const SIMPLIFIED_INDEX = new Map(simplifiedWords.map((w, i) => [w, i]));
const TRADITIONAL_INDEX = new Map(traditionalWords.map((w, i) => [w, i]));
// The two Chinese lists are index-aligned conversions of each other: map traditional to simplified by index.
const TO_SIMPLIFIED = new Map(traditionalWords.map((w, i) => [w, simplifiedWords[i]]));

// Common two-character words (general and exchange-support vocabulary). A seed is 12–24 characters drawn at random
// from 2048, so it almost never contains one of these pairs (measured: <0.2% of 24-character seeds), while ordinary
// Chinese almost always does (measured: ~99% of 12-character windows of support messages).
const COMMON_WORDS =
  '我们 你们 他们 她们 咱们 什么 为什么 怎么 怎么样 怎样 这个 那个 哪个 一个 这些 那些 这样 那样 这里 那里 哪里 这边 ' +
  '那边 没有 没到 可以 可能 已经 现在 时候 时间 小时 分钟 今天 昨天 明天 前天 晚上 早上 上午 下午 中午 一下 一直 一定 ' +
  '一般 一起 一样 一点 一些 一次 一天 还是 还有 还没 就是 不是 但是 因为 所以 如果 虽然 而且 或者 然后 之后 以后 之前 ' +
  '以前 的话 知道 需要 觉得 希望 应该 帮我 帮忙 麻烦 谢谢 请问 您好 你好 问题 原因 情况 结果 处理 解决 回复 联系 客服 ' +
  '人工 平台 账户 账号 充值 提现 提币 到账 转账 转出 转入 入账 交易 订单 资金 资产 余额 钱包 地址 网络 手续费 费用 金额 ' +
  '数量 记录 显示 成功 失败 确认 审核 认证 实名 身份证 手机 邮箱 短信 密码 登录 注册 验证 冻结 解冻 限制 风险 安全 账单 ' +
  '合约 现货 理财 收益 利息 杠杆 爆仓 平仓 开仓 价格 行情 市场 买入 卖出 购买 出售 法币 商家 卖家 买家 申诉 投诉 退款 ' +
  '退回 返还 找回 丢失 被盗 盗取 骗子 诈骗 官方 系统 维护 升级 更新 版本 下载 安装 打开 功能 操作 设置 修改 重置 绑定 ' +
  '解绑 开通 关闭 取消 提交 申请 通过 拒绝 等待 多久 多少 很多 很久 太慢 非常 特别 真的 确实 马上 立刻 赶紧 急用 着急 ' +
  '担心 不好意思 对不起 没关系 可是 不过 只是 只有 而是 比如 例如 比较 更加 最近 最后 开始 结束 继续 出现 发现 发生 ' +
  '发送 收到 看到 找到 得到 拿到 做到 想要 想问 请帮 帮助 支持 服务 用户 朋友 自己 别人 大家 东西 事情 地方 方法 办法 ' +
  '意思 感觉 经过 之间 中间 里面 外面 上面 下面 后面 前面 左右 其他 其它 另外 不能 不会 不要 不用 不行 不了 不到 不对 ' +
  '不知道 能不能 是不是 有没有 要不要 会不会 对吗 好吗 行吗 是吗 了吗 为何 如何 哪些 几个 几天 两个 三个 每天 每次 全部 ' +
  '所有 任何 一共 总共 大概 以上 以下 之内 以内 超过 低于 高于 达到 到了 过了 完了 好了 对了 来了 去了 走了 说了 做了 ' +
  '用了 给了 买了 卖了 转了 充了 提了 等了 看了 问了 试了 换了 改了 丢了 收了 发了 有了 没了 多了 少了 快了 慢了 错了 ' +
  '中国 国家 公司 银行 支付 付款 收款 汇款 打款 放币 币种 数字 货币 比特 以太 泰达 链上 区块 浏览器 哈希 节点 主网 网页 ' +
  '电脑 手机号 验证码 谷歌 两步 人脸 照片 视频 文件 资料 信息 通知 消息 邮件 链接 二维码 页面 按钮 选项 界面 提示 错误 ' +
  '报错 异常 正常 处理中 进行中 完成 回来 回去 出来 出去 进来 进去 起来 下来 上来 过来 过去 回到 来到 到达 离开 认识 ' +
  '了解 理解 明白 清楚 确定 肯定 必须 能否 是否 有点 有些 有人 有的 没人 别的 这种 那种 各种 这次 上次 下次 第一 第二 ' +
  '再次 重新 还要 也是 也有 也没 都是 都有 都没 又是 才能 就会 就能 就要 才会 会有 会被 被人 给我 给你 跟我 和我 对我 ' +
  '让我 叫我 我的 你的 他的 您的 我想 我要 我在 我是 我有 我已 我就 我也 我都 我把 我从 我用 请你 请您 高兴 开心 生气 ' +
  '失望 满意 不满 态度 效率 速度 快速 及时 尽快 稍等 耐心 辛苦 感谢 投资 亏损 损失 赔偿 补偿 责任 保证 保护 规则 规定 ' +
  '条件 要求 标准 政策 活动 奖励 邀请 推荐 返佣 佣金 新人 新手 会员 等级 额度 上限 下限 最低 最高 最多 最少 大于 小于 ' +
  '等于 助记词 种子 恢复 私钥 钥匙 短语 忘记 忘了 备注 标签 接口 权限 文档 连接 经常 返回 白名单 机器人 下单 调用 同意 协议 隐私 条款 客户 工作 工单';
const COMMON_BIGRAMS = new Set(
  COMMON_WORDS.split(' ').flatMap((word) => [...word].slice(1).map((ch, i) => word[i] + ch)),
);

// Separators allowed inside a pasted phrase: spaces, newlines, commas, numbering ("1." "2)" "#3"), dashes.
const PHRASE_SEPARATOR = /^[\s,，、;；|/.。:：)(（）[\]#*\-–—'"‘’“”\d]{0,16}$/;
const SEED_CONTEXT =
  /助记词|助記詞|种子短语|種子短語|种子词|種子詞|恢复词|恢復詞|恢复短语|恢復短語|seed|mnemonic|recovery/gi;
// "助记词是：…" / "…这是我的助记词": text allowed between a context word and the phrase it introduces.
const CONTEXT_THEN_PHRASE = /^[\s:：,，]*(?:是|为|為|如下|如下是)?[\s:：,，]*$/;
const PHRASE_THEN_CONTEXT = /^[\s,，]*(?:这|這|那)?(?:就)?(?:是)?(?:我|我的|我们的|我們的)?[\s]*$/;

type Token = { text: string; start: number; end: number; lang: 'en' | 'zh'; typo: boolean };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(/[A-Za-z]+|[\u3400-\u9fff]/g)) {
    const lang = /[A-Za-z]/.test(m[0]) ? 'en' : 'zh';
    const value = lang === 'en' ? m[0].toLowerCase() : m[0];
    tokens.push({ text: value, start: m.index, end: m.index + m[0].length, lang, typo: false });
  }
  return tokens;
}

function wordStatus(token: Token): 'word' | 'typo' | null {
  if (token.lang === 'zh') return SIMPLIFIED_INDEX.has(token.text) || TRADITIONAL_INDEX.has(token.text) ? 'word' : null;
  if (ENGLISH_SET.has(token.text)) return 'word';
  if (token.text.length >= 4 && token.text.length <= 10 && ENGLISH_PREFIXES.has(token.text.slice(0, 4))) return 'typo';
  return null;
}

// Maximal runs of consecutive wordlist tokens of one language, joined only by phrase separators.
function findRuns(text: string): Token[][] {
  const runs: Token[][] = [];
  let current: Token[] = [];
  let previous: Token | null = null;
  const close = (): void => {
    // A run never starts or ends on a mistyped word.
    while (current.length && current[current.length - 1].typo) current.pop();
    while (current.length && current[0].typo) current.shift();
    if (current.length) runs.push(current);
    current = [];
  };
  for (const token of tokenize(text)) {
    const status = wordStatus(token);
    token.typo = status === 'typo';
    const separator = previous ? text.slice(previous.end, token.start) : '';
    const continues =
      current.length > 0 &&
      previous !== null &&
      status !== null &&
      previous.lang === token.lang &&
      PHRASE_SEPARATOR.test(separator) &&
      !(token.typo && previous.typo);
    if (!continues) close();
    if (status !== null) current.push(token);
    previous = token;
  }
  close();
  return runs;
}

function isValidPhrase(words: string[], lang: 'en' | 'zh'): boolean {
  const phrase = words.join(' ');
  if (lang === 'en') return validateMnemonic(phrase, englishWords);
  return validateMnemonic(phrase, simplifiedWords) || validateMnemonic(phrase, traditionalWords);
}

// Ordinary Chinese is made of the most frequent characters — nearly every character of a sentence is on the
// Chinese BIP-39 lists — so unspaced Chinese needs evidence that the characters are random: no common word inside,
// and a mean log-rank typical of uniform picks (lists are ordered by frequency; seeds average ~6.6, text ~5).
function looksRandomChinese(chars: string[], minScore: number): boolean {
  let bigrams = 0;
  let logRank = 0;
  for (let i = 0; i < chars.length; i++) {
    logRank += Math.log((SIMPLIFIED_INDEX.get(chars[i]) ?? TRADITIONAL_INDEX.get(chars[i]) ?? 2047) + 1);
    if (i > 0) {
      const pair = (TO_SIMPLIFIED.get(chars[i - 1]) ?? chars[i - 1]) + (TO_SIMPLIFIED.get(chars[i]) ?? chars[i]);
      if (COMMON_BIGRAMS.has(pair)) bigrams++;
    }
  }
  return bigrams <= Math.floor(chars.length / 18) && logRank / chars.length >= minScore;
}

// Every window of a valid BIP-39 length whose checksum verifies. All of them, not a non-overlapping pick: a window
// shifted into the surrounding text can pass by chance (1 in 16) and must not hide the real phrase — the caller
// redacts the union.
function findValidWindows(
  tokens: Token[],
  accept: (from: number, to: number) => boolean,
): { from: number; to: number }[] {
  const found: { from: number; to: number }[] = [];
  for (const length of VALID_SEED_LENGTHS) {
    for (let from = 0; from + length <= tokens.length; from++) {
      const window = tokens.slice(from, from + length);
      if (window.some((t) => t.typo) || !accept(from, from + length)) continue;
      if (
        isValidPhrase(
          window.map((t) => t.text),
          window[0].lang,
        )
      )
        found.push({ from, to: from + length });
    }
  }
  return found;
}

function spanOf(tokens: Token[], from: number, to: number, kind: SecretKind): SecretFinding {
  return { kind, start: tokens[from].start, end: tokens[to - 1].end };
}

// English, or Chinese written one character at a time with separators: the spacing itself is the signal.
function detectSeparatedPhrase(text: string, tokens: Token[]): SecretFinding | null {
  const typos = tokens.filter((t) => t.typo).length;
  // Ordinary English reaches at most ~8 wordlist words in a row (measured on support-style paragraphs), so 11
  // exact words in a 12+ run with at most one near-miss per 12 keeps sentences out and tolerates a typo.
  if (tokens.length < 12 || tokens.length - typos < 11 || typos > Math.floor(tokens.length / 12)) return null;
  const windows = findValidWindows(tokens, () => true);
  if (windows.length === 0) {
    return looksLikeProse(text, tokens) ? null : spanOf(tokens, 0, tokens.length, 'seed_phrase_suspect');
  }
  // Redact the verified phrase. One or two wordlist words beside it are ordinary words ("Hello, …"); three or more
  // are more of the phrase (a longer phrase with a typo whose 12-word part happened to verify), so keep them in.
  let from = Math.min(...windows.map((w) => w.from));
  let to = Math.max(...windows.map((w) => w.to));
  if (from >= 3) from = 0;
  if (tokens.length - to >= 3) to = tokens.length;
  return spanOf(tokens, from, to, 'seed_phrase');
}

// A pasted phrase uses one kind of punctuation between all words (spaces, or commas, or "2." numbering); prose mixes
// them ("quick alert, smooth update, secure vault"). Digits and whitespace are ignored: "\n2. " and " 3. " agree.
function looksLikeProse(text: string, tokens: Token[]): boolean {
  const kinds = new Set<string>();
  for (let i = 1; i < tokens.length; i++) {
    kinds.add(text.slice(tokens[i - 1].end, tokens[i].start).replace(/[\s\d]/g, ''));
  }
  return kinds.size > 1;
}

const CJK_CHAR = /[\u3400-\u9fff]/;

// Sub-runs of Chinese characters that each stand alone (no Chinese character glued on either side).
function separatedSegments(text: string, tokens: Token[]): Token[][] {
  const segments: Token[][] = [];
  let current: Token[] = [];
  for (const token of tokens) {
    const alone = !CJK_CHAR.test(text[token.start - 1] ?? '') && !CJK_CHAR.test(text[token.end] ?? '');
    if (alone) current.push(token);
    else {
      if (current.length) segments.push(current);
      current = [];
    }
  }
  if (current.length) segments.push(current);
  return segments;
}

function detectUnspacedChinese(
  text: string,
  tokens: Token[],
  contexts: { start: number; end: number }[],
): SecretFinding[] {
  const anchoredStart = (i: number): boolean =>
    i === 0 ||
    contexts.some((c) => c.end <= tokens[i].start && CONTEXT_THEN_PHRASE.test(text.slice(c.end, tokens[i].start)));
  const anchoredEnd = (j: number): boolean =>
    j === tokens.length ||
    contexts.some(
      (c) => c.start >= tokens[j - 1].end && PHRASE_THEN_CONTEXT.test(text.slice(tokens[j - 1].end, c.start)),
    );
  const chars = (from: number, to: number): string[] => tokens.slice(from, to).map((t) => t.text);
  // Without a context word the phrase must fill a whole clause; with one it may sit anywhere in the run.
  const windows = findValidWindows(
    tokens,
    (from, to) =>
      (contexts.length > 0 || (anchoredStart(from) && anchoredEnd(to))) && looksRandomChinese(chars(from, to), 5.3),
  );
  if (windows.length) return windows.map((w) => spanOf(tokens, w.from, w.to, 'seed_phrase'));
  if (contexts.length === 0) return [];
  // A mistyped phrase right next to its context word ("助记词：…"): flag the anchored stretch when it looks random.
  for (let from = 0; from < tokens.length; from++) {
    if (!anchoredStart(from)) continue;
    for (let to = Math.min(tokens.length, from + 26); to >= from + 12; to--) {
      if (anchoredEnd(to) && looksRandomChinese(chars(from, to), 5.5)) {
        return [spanOf(tokens, from, to, 'seed_phrase_suspect')];
      }
    }
  }
  return [];
}

function detectSeedPhrases(text: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const contexts = [...text.matchAll(SEED_CONTEXT)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  for (const run of findRuns(text)) {
    if (run.length < 12) continue;
    if (run[0].lang === 'en') {
      const finding = detectSeparatedPhrase(text, run);
      if (finding) findings.push(finding);
      continue;
    }
    for (const segment of separatedSegments(text, run)) {
      const finding = detectSeparatedPhrase(text, segment);
      if (finding) findings.push(finding);
    }
    findings.push(...detectUnspacedChinese(text, run, contexts));
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------------------
// Private keys

const KEY_CONTEXT =
  /私钥|私鑰|密钥|密鑰|秘钥|private\s*key|priv\s*key|privkey|secret|(?<![A-Za-z])keys?(?![A-Za-z])|导出|導出|export/gi;
const TX_CONTEXT =
  /(?<![A-Za-z])(?:tx|txn|txid|txhash|hash|transaction|explorer|etherscan|tronscan|bscscan|solscan|blockchair|mempool|deposit|withdrawal|withdraw)(?![A-Za-z])|哈希|交易|转账|轉賬|轉帳|记录|記錄|充值|提币|提幣|提现|提現|区块|區塊|\/tx\//gi;

// Distance from a span to the nearest match of `re` on the same line (before within 40, after within 30 chars).
function nearestDistance(text: string, start: number, end: number, re: RegExp): number {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = text.indexOf('\n', end) === -1 ? text.length : text.indexOf('\n', end);
  const before = text.slice(Math.max(lineStart, start - 40), start);
  const after = text.slice(end, Math.min(lineEnd, end + 30));
  let best = Number.POSITIVE_INFINITY;
  for (const m of before.matchAll(re)) best = Math.min(best, before.length - (m.index + m[0].length));
  for (const m of after.matchAll(re)) best = Math.min(best, m.index);
  return best;
}

function hasKeyContext(text: string, start: number, end: number): boolean {
  const key = nearestDistance(text, start, end, KEY_CONTEXT);
  const tx = nearestDistance(text, start, end, TX_CONTEXT);
  return key < tx;
}

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}

function hasValidBase58Checksum(text: string): { ok: boolean; payload: Uint8Array } {
  let raw: Uint8Array;
  try {
    raw = base58.decode(text);
  } catch {
    return { ok: false, payload: new Uint8Array() };
  }
  const payload = raw.subarray(0, Math.max(0, raw.length - 4));
  const check = sha256(sha256(payload));
  const ok = raw.length > 4 && [0, 1, 2, 3].every((i) => check[i] === raw[raw.length - 4 + i]);
  return { ok, payload };
}

function isWif(text: string): boolean {
  const { ok, payload } = hasValidBase58Checksum(text);
  if (!ok || (payload[0] !== 0x80 && payload[0] !== 0xef)) return false;
  return payload.length === 33 || (payload.length === 34 && payload[33] === 0x01);
}

// Runs of 4–16 hex digits separated by spaces or dashes (a newline counts as a space: backups wrap lines).
const HEX_GROUP_RUN =
  /(?<![0-9A-Za-z])[0-9a-fA-F]{4,16}(?![0-9A-Za-z])(?:(?:[ \t]*[-–—][ \t]*|\s{1,3})[0-9a-fA-F]{4,16}(?![0-9A-Za-z]))+/g;

// Stretches of consecutive groups holding exactly 64 hex digits: a 32-byte key, however it was grouped. A word like
// "face" before or after the key is a group too, so every starting group is tried.
function findGroupedHex64(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (const run of text.matchAll(HEX_GROUP_RUN)) {
    const groups = [...run[0].matchAll(/[0-9a-fA-F]+/g)].map((g) => ({
      start: run.index + g.index,
      end: run.index + g.index + g[0].length,
    }));
    for (let from = 0; from < groups.length; from++) {
      let digits = 0;
      let last = from - 1;
      while (last + 1 < groups.length && digits < 64) {
        last++;
        digits += groups[last].end - groups[last].start;
      }
      if (digits === 64 && last > from) {
        spans.push({ start: groups[from].start, end: groups[last].end });
        break;
      }
    }
  }
  return spans;
}

function detectPrivateKeys(text: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const add = (start: number, end: number): void => {
    findings.push({ kind: 'private_key', start, end });
  };
  // 64 hex: a tx hash unless the nearest context word says key (ambiguous or no context → tx hash).
  for (const m of text.matchAll(/(?<![0-9A-Za-z])(?:0[xX])?[0-9a-fA-F]{64}(?![0-9A-Za-z])/g)) {
    if (hasKeyContext(text, m.index, m.index + m[0].length)) add(m.index, m.index + m[0].length);
  }
  // The same 64 hex split into groups, as wallets and paper backups show it ("key: 4c0883a6 9102937d …").
  for (const span of findGroupedHex64(text)) {
    if (hasKeyContext(text, span.start, span.end)) add(span.start, span.end);
  }
  // Bitcoin WIF: 5… (uncompressed) or K…/L… (compressed), testnet 9…/c….
  for (const m of text.matchAll(/(?<![0-9A-Za-z])[5KL9c][1-9A-HJ-NP-Za-km-z]{50,51}(?![0-9A-Za-z])/g)) {
    const end = m.index + m[0].length;
    // A mistyped WIF still exposes almost the whole key: flag it too when the context says key.
    if (isWif(m[0]) || hasKeyContext(text, m.index, end)) add(m.index, end);
  }
  // Extended private keys (BIP-32 and its SLIP-132 variants): the prefix alone is unambiguous.
  for (const m of text.matchAll(/(?<![0-9A-Za-z])[xtyzuvYZUV]prv[1-9A-HJ-NP-Za-km-z]{90,112}(?![0-9A-Za-z])/g)) {
    add(m.index, m.index + m[0].length);
  }
  // Solana secret key as base58 (64 bytes, same shape as a signature — only with key context) or as the JSON
  // byte array of a keypair file (always).
  for (const m of text.matchAll(/(?<![0-9A-Za-z])[1-9A-HJ-NP-Za-km-z]{86,88}(?![0-9A-Za-z])/g)) {
    const end = m.index + m[0].length;
    if (base58.decode(m[0]).length === 64 && hasKeyContext(text, m.index, end)) add(m.index, end);
  }
  for (const m of text.matchAll(/\[\s*(?:\d{1,3}\s*,\s*){63}\d{1,3}\s*\]/g)) {
    const bytes = m[0].match(/\d+/g) ?? [];
    if (bytes.every((b) => Number(b) <= 255)) add(m.index, m.index + m[0].length);
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------------------
// One-time codes

const OTP_CONTEXT =
  /验证码|驗證碼|谷歌验证|谷歌驗證|谷歌码|谷歌碼|谷歌|动态码|動態碼|动态口令|動態口令|安全码|安全碼|短信码|短信碼|校验码|校驗碼|(?<![A-Za-z])(?:2fa|mfa|otp|totp|authenticator|google\s*auth|ga|code|passcode|two[\s-]?factor|one[\s-]?time|verification|verify|pin|sms)(?![A-Za-z])/gi;
// "code" preceded by these is not a one-time code: referral codes, error codes, zip codes are fine to keep.
const NOT_OTP_CODE =
  /(?:error|err|referral|refer|invite|invitation|promo|promotion|coupon|discount|voucher|bonus|zip|postal|post|country|area|reference|ref|order|tracking|swift|bank|branch|sort|status|reason|邀请|邀請|推荐|推薦|错误|錯誤|邮政|郵政|优惠|優惠)[\s-]*$/i;

// Words that say a nearby number is something else: an order id, an amount, a phone number, a date.
const NOT_OTP_CONTEXT =
  /订单|訂單|单号|單號|金额|金額|数量|數量|价格|價格|手机|手機|电话|電話|日期|邀请码|邀請碼|推荐码|推薦碼|(?<![A-Za-z])(?:order|uid|id|amount|price|phone|mobile|tel|date|memo|tag|ticket|invoice|case|block|height)(?![A-Za-z])/gi;

// Labels usually precede their value ("验证码 123456 订单号 888"), so a word after the number counts as farther.
const AFTER_PENALTY = 8;

// Distance from the number to the nearest OTP word, and to the nearest word saying it is something else; an OTP
// word counts only when it is the nearer one.
function hasOtpContext(text: string, start: number, end: number): boolean {
  const lineStart = Math.max(text.lastIndexOf('\n', start - 1) + 1, start - 30);
  const nextBreak = text.slice(end).search(/[\n。!?！？]/);
  const lineEnd = Math.min(nextBreak === -1 ? text.length : end + nextBreak, end + 24);
  const before = text.slice(lineStart, start);
  const after = text.slice(end, lineEnd);
  let otp = Number.POSITIVE_INFINITY;
  let other = Number.POSITIVE_INFINITY;
  const consider = (slice: string, from: number, isBefore: boolean): void => {
    for (const m of slice.matchAll(OTP_CONTEXT)) {
      const keyword = m[0].toLowerCase();
      if (keyword === 'code' || keyword === 'passcode') {
        const lead = text.slice(Math.max(0, from + m.index - 16), from + m.index);
        if (NOT_OTP_CODE.test(lead)) continue;
      }
      otp = Math.min(otp, isBefore ? slice.length - (m.index + m[0].length) : m.index + AFTER_PENALTY);
    }
    for (const m of slice.matchAll(NOT_OTP_CONTEXT)) {
      other = Math.min(other, isBefore ? slice.length - (m.index + m[0].length) : m.index + AFTER_PENALTY);
    }
  };
  consider(before, lineStart, true);
  consider(after, end, false);
  return otp < other;
}

// A number followed by a unit is an amount or a date, not a code.
const OTP_UNIT_AFTER =
  '%|usdt|usdc|busd|fdusd|btc|eth|bnb|trx|sol|xrp|doge|ton|ltc|usd|cny|rmb|eur|dollars?|sats?|coins?|tokens?|units?|u(?![a-z])|个|個|元|块|塊|年|月|日|号|號|枚|次|笔|筆';

function detectOtpCodes(text: string): SecretFinding[] {
  const trimmed = text.trim();
  if (/^\d{6}$|^\d{3}[ -]\d{3}$/.test(trimmed)) {
    const start = text.indexOf(trimmed);
    return [{ kind: 'otp_code', start, end: start + trimmed.length }];
  }
  const findings: SecretFinding[] = [];
  // Six digits, not part of a longer number, a decimal, a date/time or an amount ("123456 USDT", "$123456").
  const re = new RegExp(
    String.raw`(?<![A-Za-z\d$#¥]|\d[.,:/-])\d{3}[ -]?\d{3}(?![A-Za-z\d]|[.,:/-]\d|\s*(?:${OTP_UNIT_AFTER}))`,
    'gi',
  );
  for (const m of text.matchAll(re)) {
    const end = m.index + m[0].length;
    if (hasOtpContext(text, m.index, end)) findings.push({ kind: 'otp_code', start: m.index, end });
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------------------
// Passwords

const PASSWORD_EN =
  /(?<![A-Za-z])(?:password|passwd|passcode|passphrase|pass\s?word|pwd|pw)(?![A-Za-z])\s*(?:is\s+now|is\s+still|is|was|=|:)\s*/gi;
const PASSWORD_ZH = /(?:密码|密碼)\s*(?:是|为|為|:|=|改成了|改成|改为|改為|设置为|設置為|设为|設為)\s*/g;
// "my password is wrong / not working / too long": the words after "is" describe the password, not reveal it.
const PASSWORD_STOPWORDS = new Set(
  (
    'wrong incorrect invalid correct right not no ok okay fine working broken expired locked blocked forgotten ' +
    'forgot lost changed reset resetting too very really still just also same different weak strong long short ' +
    'being set required missing empty compromised stolen leaked hacked case sensitive the a an my your in on at ' +
    'for to and but or of with that this it which what when where how why there here now already always never ' +
    'definitely probably maybe saved stored secure safe unknown new old mine same updated rejected denied failing ' +
    'failed accepted shown hidden displayed asked needed needs required protected'
  ).split(' '),
);

function detectPasswords(text: string, original: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  // Normalisation turns "，" into ","; a password ends where the customer typed full-width punctuation.
  const cut = (start: number, end: number): number => {
    const stop = original.slice(start, end).search(/[，。！？；：、）】」]/);
    return stop === -1 ? end : start + stop;
  };
  for (const m of text.matchAll(PASSWORD_EN)) {
    const at = m.index + m[0].length;
    const value = readPasswordValue(text, at);
    if (!value) continue;
    const bare = value.text.replace(/^["'“‘]|["'”’.,!?;]+$/g, '').toLowerCase();
    if (bare.length < 3 || PASSWORD_STOPWORDS.has(bare) || /^\*+$/.test(bare)) continue;
    const end = cut(value.start, value.end);
    if (end - value.start >= 3) findings.push({ kind: 'password', start: value.start, end });
  }
  for (const m of text.matchAll(PASSWORD_ZH)) {
    const at = m.index + m[0].length;
    // Chinese passwords are ASCII in practice; "密码是对的" describes it and is left alone.
    const value = /^[\x21-\x7e]{3,64}/.exec(text.slice(at));
    if (!value || /^\*+$/.test(value[0])) continue;
    const end = cut(at, at + value[0].length);
    if (end - at >= 3) findings.push({ kind: 'password', start: at, end });
  }
  return findings;
}

function readPasswordValue(text: string, at: number): { text: string; start: number; end: number } | null {
  const rest = text.slice(at);
  const quoted = /^(["'“‘])(.{1,64}?)(["'”’])/.exec(rest);
  if (quoted) return { text: quoted[0], start: at, end: at + quoted[0].length };
  const plain = /^[^\s，。]{1,64}/.exec(rest);
  return plain ? { text: plain[0], start: at, end: at + plain[0].length } : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

const PRIORITY: Record<SecretKind, number> = {
  seed_phrase: 5,
  private_key: 4,
  seed_phrase_suspect: 3,
  password: 2,
  otp_code: 1,
};

// Overlapping findings are merged into one span carrying the most serious kind.
function mergeFindings(findings: SecretFinding[]): SecretFinding[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: SecretFinding[] = [];
  for (const f of sorted) {
    const last = merged[merged.length - 1];
    if (last && f.start < last.end) {
      last.end = Math.max(last.end, f.end);
      if (PRIORITY[f.kind] > PRIORITY[last.kind]) last.kind = f.kind;
    } else merged.push({ ...f });
  }
  return merged;
}

/** Finds secrets in a customer message. Offsets are UTF-16 indices into the original text. */
export function detectSecrets(text: string, opts: DetectOptions = {}): SecretFinding[] {
  const normalized = normalizeWidth(text);
  const findings = [
    ...detectSeedPhrases(normalized),
    ...detectPrivateKeys(normalized),
    ...detectPasswords(normalized, text),
  ];
  if (!opts.otpRequested && !opts.ignoreOneTimeCodes) findings.push(...detectOtpCodes(normalized));
  return mergeFindings(findings);
}

const MARKERS: Record<SecretKind, string> = {
  seed_phrase: '[redacted: seed phrase]',
  seed_phrase_suspect: '[redacted: seed phrase]',
  private_key: '[redacted: private key]',
  otp_code: '[redacted: 2FA code]',
  password: '[redacted: password]',
};

/** Replaces every secret with a marker. `findings` offsets refer to the original text. */
export function redactSecrets(text: string, opts: DetectOptions = {}): { text: string; findings: SecretFinding[] } {
  const findings = detectSecrets(text, opts);
  let out = text;
  for (const f of [...findings].reverse()) out = out.slice(0, f.start) + MARKERS[f.kind] + out.slice(f.end);
  return { text: out, findings };
}

/**
 * What a free-text field holds, which decides what is looked for: `prose` (reasons, comments, notes, case text,
 * macro bodies) gets the whole screen that chat messages get; `value` (names, labels, attribute values) skips bare
 * six-digit numbers, which there are ids and amounts rather than 2FA codes.
 */
export type FreeTextField = 'prose' | 'value';

/**
 * The screen every service runs on free text a person typed, before it is stored, logged, audited or sent on: each
 * secret is replaced by the same marker chat messages get, and everything else the person wrote is kept. Redacting
 * rather than refusing means a report or a note is never lost because it quoted a seed phrase.
 */
export function screenFreeText(text: string, field: FreeTextField = 'prose'): string {
  return redactSecrets(text, { ignoreOneTimeCodes: field === 'value' }).text;
}

/** screenFreeText on every string inside a JSON-like value (case evidence, attribute sets, macro bodies); keys stay. */
export function screenFreeTextIn<T>(value: T, field: FreeTextField = 'prose'): T {
  if (typeof value === 'string') return screenFreeText(value, field) as T;
  if (Array.isArray(value)) return value.map((item) => screenFreeTextIn(item, field)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, screenFreeTextIn(item, field)])) as T;
  }
  return value;
}

const WARNINGS: Record<'seed' | 'private_key' | 'otp_code' | 'password', Record<Locale, string>> = {
  seed: {
    en:
      'Never share your seed phrase (recovery words) with anyone — not even with staff of this exchange; we will ' +
      'never ask for it. We have removed it from this chat. Anyone who has seen it can take your funds, so treat ' +
      'that wallet as compromised: create a new wallet right now and move all your funds to it.',
    'zh-CN':
      '请勿向任何人透露您的助记词，包括本交易所的工作人员，我们绝不会向您索要。我们已从对话中删除了这段内容。' +
      '看到助记词的人可以直接转走您的资产，请将该钱包视为已泄露：立即创建一个新钱包，并把全部资产转移过去。',
    'zh-TW':
      '請勿向任何人透露您的助記詞，包括本交易所的工作人員，我們絕不會向您索取。我們已從對話中刪除了這段內容。' +
      '看到助記詞的人可以直接轉走您的資產，請將該錢包視為已外洩：立即建立一個新錢包，並把全部資產轉移過去。',
  },
  private_key: {
    en:
      'Never share a private key with anyone — not even with staff of this exchange; we will never ask for it. We ' +
      'have removed it from this chat. Anyone who has it controls the funds, so treat that wallet as compromised: ' +
      'create a new wallet right now and move all your funds to it.',
    'zh-CN':
      '请勿向任何人透露私钥，包括本交易所的工作人员，我们绝不会向您索要。我们已从对话中删除了这段内容。' +
      '拿到私钥的人就能控制其中的资产，请将该钱包视为已泄露：立即创建一个新钱包，并把全部资产转移过去。',
    'zh-TW':
      '請勿向任何人透露私鑰，包括本交易所的工作人員，我們絕不會向您索取。我們已從對話中刪除了這段內容。' +
      '拿到私鑰的人就能控制其中的資產，請將該錢包視為已外洩：立即建立一個新錢包，並把全部資產轉移過去。',
  },
  otp_code: {
    en:
      'Please never share your 2FA or verification codes with anyone. Our support team will never ask for them — ' +
      'anyone who does is a scammer. We have removed the code from this chat. If you entered or shared it anywhere ' +
      'you did not start yourself, change your password and reset your 2FA now.',
    'zh-CN':
      '请不要向任何人提供您的谷歌验证码、短信或邮箱验证码，客服绝不会向您索要，索要验证码的都是骗子。' +
      '我们已从对话中删除了这个验证码。如果您曾在别处提供过，请立即修改密码并重置两步验证。',
    'zh-TW':
      '請不要向任何人提供您的 Google 驗證碼、簡訊或電子郵件驗證碼，客服絕不會向您索取，索取驗證碼的都是詐騙。' +
      '我們已從對話中刪除了這個驗證碼。如果您曾在別處提供過，請立即修改密碼並重設兩步驟驗證。',
  },
  password: {
    en:
      'Never share your password with anyone, including staff of this exchange — we will never ask for it. We have ' +
      'removed it from this chat. Please change your password now and make sure 2FA is enabled.',
    'zh-CN':
      '请勿向任何人透露您的密码，包括本交易所的工作人员，我们绝不会向您索要。我们已从对话中删除了密码。' +
      '请立即修改密码，并确认已开启两步验证。',
    'zh-TW':
      '請勿向任何人透露您的密碼，包括本交易所的工作人員，我們絕不會向您索取。我們已從對話中刪除了密碼。' +
      '請立即修改密碼，並確認已開啟兩步驟驗證。',
  },
};

/** The message shown to a customer who just shared a secret: never share it, and what to do now. */
export function secretWarning(kind: SecretKind, locale: Locale): string {
  const key = kind === 'seed_phrase' || kind === 'seed_phrase_suspect' ? 'seed' : kind;
  return WARNINGS[key][locale];
}

// ---------------------------------------------------------------------------------------------------------------
// Agent outgoing guard

const REQUEST_TERMS: [RequestedSecretKind, string][] = [
  [
    'seed_phrase',
    String.raw`(?:secret\s+)?recovery\s+(?:phrase|words?|seed)|seed(?:\s*(?:phrase|words?))?(?!\s*(?:round|funding|investor))|mnemonic(?:\s+(?:phrase|words?))?|backup\s+(?:phrase|words)|wallet\s+(?:phrase|words)|secret\s+phrase|(?:12|24|twelve|twenty[\s-]?four)[\s-]+(?:recovery\s+|secret\s+|seed\s+)?words?(?:\s+phrase)?|助记词|助記詞|种子短语|種子短語|种子词|種子詞|恢复短语|恢復短語|恢复词|恢復詞|(?:12|24|十二|二十四)\s*个?\s*(?:单词|單詞|词|詞)`,
  ],
  [
    'private_key',
    String.raw`private\s*keys?|priv\s*keys?|privkey|secret\s+keys?|api\s+secret|keystore(?:\s+file)?|私钥|私鑰|秘钥|秘鑰`,
  ],
  [
    'otp_code',
    String.raw`code\s+(?:that\s+)?you\s+(?:just\s+)?(?:received|got|see)|(?:google\s+)?authenticator\s+code|google\s+(?:auth\s+)?code|ga\s+code|2fa(?:\s+code)?|two[\s-]factor(?:\s+code)?|otp(?:\s+code)?|one[\s-]time\s+(?:code|password|passcode)|verification\s+code|sms\s+code|security\s+code|(?:6|six)[\s-]digit\s+code|谷歌验证码|谷歌驗證碼|谷歌验证|谷歌驗證|验证码|驗證碼|动态码|動態碼|动态口令|動態口令|短信码|簡訊碼|安全码|安全碼`,
  ],
  [
    'password',
    String.raw`(?:login\s+|account\s+|fund(?:s|ing)?\s+|trading\s+)?(?:password|passwd|passcode|pwd)|登录密码|登錄密碼|登陆密码|资金密码|資金密碼|交易密码|交易密碼|支付密码|支付密碼|密码|密碼`,
  ],
];
const REQUEST_TERM_RE = new RegExp(
  REQUEST_TERMS.map(([kind, re]) => `(?<${kind}>(?<![A-Za-z])(?:${re})(?![A-Za-z]))`).join('|'),
  'gi',
);

// A clause that warns is never a request. Reassurances like "don't worry" are removed before this test.
const WARNING_EN =
  /(?<![A-Za-z])(?:never|not|don'?t|doesn'?t|won'?t|wouldn'?t|shouldn'?t|mustn'?t|can'?t|cannot|no\s+one|nobody|no\s+staff|beware|scam\w*|phishing|fraud\w*|avoid|refuse|report|if\s+(?:anyone|someone|somebody)|impersonat\w*|keep\s+(?:it|them|this)\s+(?:private|safe|secret))(?![A-Za-z])/i;
const WARNING_ZH =
  /不要|不会|不會|绝不|絕不|切勿|请勿|請勿|千万别|千萬別|(?<![特区區识識分级級类類性差告])[别別](?![人的])|永远不|永遠不|不得|禁止|从不|從不|不应|不應|谨防|謹防|骗子|騙子|诈骗|詐騙|勿|不索要|不能给|不能給|如果有人|若有人|举报|舉報|冒充|可疑|警惕|提防|防范|防範/;
const REASSURANCE =
  /don'?t\s+worry|do\s+not\s+worry|don'?t\s+hesitate|no\s+worries|no\s+problem|not\s+sure|别担心|別擔心|不用担心|不用擔心|不要担心|不要擔心|别急|別急|不要着急|不要著急|不好意思|不客气|不客氣|没问题|沒問題/gi;

// Request shapes. Verbs that send something to the customer ("we sent you a code") are excluded by SENT_TO_CUSTOMER.
const REQUEST_VERB_EN =
  /(?<![A-Za-z])(?:send|sending|share|sharing|provide|providing|give|giving|tell|telling|show|showing|dm|pm|text|reply\s+with|respond\s+with|forward|paste|type\s+out|read\s+out|read\s+me|upload|submit|post|let\s+me\s+know|message\s+(?:me|us))(?![A-Za-z])/gi;
const SENT_TO_CUSTOMER_EN = /^\s+(?:you|to\s+you|it\s+to\s+you)(?![A-Za-z])/i;
const BETWEEN_DEFUSERS_EN =
  /(?<![A-Za-z])(?:whether|if|when|that|how|why|received?|got|get|link|reset|a\s+new)(?![A-Za-z])/i;
const AFTER_DEFUSERS_EN =
  /^\W{0,3}(?:reset|change|changed|recovery\s+page|settings?|page|link|email|strength|policy|manager|requirements?|rules?|is\s+(?:set|enabled|working))(?![A-Za-z])/i;
const QUESTION_EN =
  /(?<![A-Za-z])(?:what(?:'s|\s+is|\s+are|\s+was|\s+were)|whats)\s+(?:your|ur|the|yours)(?![A-Za-z])/gi;
const NEED_EN = /(?<![A-Za-z])(?:i|we)\s+(?:will\s+|would\s+|just\s+|still\s+|also\s+)?(?:need|require)(?![A-Za-z])/gi;
// After "we need": "your seed phrase" / "to see your 2FA code" is a request; "you to reset your password" is not.
const NEED_OBJECT_EN = /^\s+(?:to\s+(?:see|have|get|know|check|verify|confirm)\s+)?(?:your|ur|the)\s+(?:\S+\s+){0,2}$/i;
// After "what is": at most three words up to the term, none of them about rules or comparisons.
const QUESTION_OBJECT_EN = /^\s+(?:\S+\s+){0,3}$/;
const QUESTION_DEFUSERS_EN =
  /(?<![A-Za-z])(?:difference|between|length|rules?|requirements?|format|way|best|policy|reason)(?![A-Za-z])/i;
const INPUT_HERE_EN =
  /(?<![A-Za-z])(?:enter|type|input|write|paste)(?![A-Za-z])[^.?!]{0,60}?(?<![A-Za-z])(?:here|below|in\s+(?:this|the)\s+chat|to\s+me|in\s+your\s+reply)(?![A-Za-z])/i;
const PLEASE_AFTER_EN = /^\W{0,3}(?:please|pls|plz)(?![A-Za-z])/i;

const REQUEST_VERB_ZH =
  /发给我|發給我|发我|發我|发一下|發一下|发过来|發過來|发出来|發出來|发下|發下|发送|發送|发给|發給|发到|發到|传给|傳給|提供|告诉|告訴|给我|給我|给一下|給一下|报一下|報一下|报给|報給|说一下|說一下|说出|說出|讲一下|講一下|念一下|贴出来|貼出來|截图|截圖|拍照|私信|需要你的|需要您的|需要提供|索要|索取|要一下|输入到这里|輸入到這裡|在这里输入|在這裡輸入|填在这里|填在這裡|是什么|是什麼|是多少|多少|是啥|报给我/g;
const QUESTION_WORDS_ZH = /^(?:是什么|是什麼|是多少|多少|是啥)$/;
// "密码要求是什么", "密码修改后…": the sentence is about the password, not asking for it.
const AFTER_DEFUSERS_ZH =
  /^(?:的)?(?:要求|规则|規則|设置|設置|修改|重置|错误|錯誤|强度|強度|长度|長度|格式|位数|位數|怎么|怎麼|如何|在哪|功能|页面|頁面|找回|忘记|忘記|区别|區別|有什么用|收不到|没收到|沒收到|过期|過期|失效)/;
const SENT_TO_CUSTOMER_ZH = /^(?:给|給|到)(?:您|你)|^(?:您|你)(?:的)?(?:手机|手機|邮箱|郵箱|信箱)|^(?:了|过|過)/;

function splitClauses(text: string): string[] {
  return text
    .split(/[.!。！;；\n]+|(?<=[?？])|(?<![A-Za-z])(?:but|however|though|although)(?![A-Za-z])|但是|但|不过|不過|可是/i)
    .filter((c): c is string => Boolean(c?.trim()));
}

function isEnglishRequest(clause: string, termStart: number, termEnd: number): boolean {
  const before = clause.slice(0, termStart);
  const after = clause.slice(termEnd);
  if (AFTER_DEFUSERS_EN.test(after)) return false;
  for (const m of before.matchAll(REQUEST_VERB_EN)) {
    const between = before.slice(m.index + m[0].length);
    if (between.length > 50 || SENT_TO_CUSTOMER_EN.test(between) || BETWEEN_DEFUSERS_EN.test(between)) continue;
    return true;
  }
  for (const m of before.matchAll(QUESTION_EN)) {
    const between = before.slice(m.index + m[0].length);
    if (QUESTION_OBJECT_EN.test(between) && !QUESTION_DEFUSERS_EN.test(between)) return true;
  }
  for (const m of before.matchAll(NEED_EN)) if (NEED_OBJECT_EN.test(before.slice(m.index + m[0].length))) return true;
  if (INPUT_HERE_EN.test(clause)) return true;
  // "Your 12 words, please." — the whole clause is the demand.
  return /^\W*(?:and\s+)?(?:your|ur)\s+(?:\S+\s+){0,2}$/i.test(before) && PLEASE_AFTER_EN.test(after);
}

function isChineseRequest(clause: string, termStart: number, termEnd: number): boolean {
  if (AFTER_DEFUSERS_ZH.test(clause.slice(termEnd))) return false;
  for (const m of clause.matchAll(REQUEST_VERB_ZH)) {
    const verbEnd = m.index + m[0].length;
    if (/^[发發传傳]/.test(m[0]) && SENT_TO_CUSTOMER_ZH.test(clause.slice(verbEnd))) continue;
    const after = m.index >= termEnd;
    const distance = after ? m.index - termEnd : termStart - verbEnd;
    // "验证码是多少" asks for the value; "多少小时…密码" does not: question words count only right after the term.
    const limit = QUESTION_WORDS_ZH.test(m[0]) ? (after ? 2 : -1) : 12;
    if (distance >= 0 && distance <= limit) return true;
  }
  return false;
}

/** Returns what an outgoing agent message asks the customer for, when it asks for a secret; null otherwise. */
export function detectSecretRequest(text: string): SecretRequest | null {
  const normalized = normalizeWidth(text);
  for (const rawClause of splitClauses(normalized)) {
    const clause = rawClause.replace(REASSURANCE, (s) => ' '.repeat(s.length));
    if (WARNING_EN.test(clause) || WARNING_ZH.test(clause)) continue;
    for (const m of clause.matchAll(REQUEST_TERM_RE)) {
      const kind = (Object.keys(m.groups ?? {}) as RequestedSecretKind[]).find((k) => m.groups?.[k] !== undefined);
      if (!kind) continue;
      const start = m.index;
      const end = start + m[0].length;
      if (isEnglishRequest(clause, start, end) || isChineseRequest(clause, start, end)) {
        return { kind, phrase: rawClause.trim() };
      }
    }
  }
  return null;
}

const EXPLANATIONS: Record<RequestedSecretKind, Record<Locale, string>> = {
  seed_phrase: {
    en: 'seed phrase (recovery words)',
    'zh-CN': '助记词',
    'zh-TW': '助記詞',
  },
  private_key: { en: 'private key', 'zh-CN': '私钥', 'zh-TW': '私鑰' },
  password: { en: 'password', 'zh-CN': '密码', 'zh-TW': '密碼' },
  otp_code: { en: '2FA / verification code', 'zh-CN': '谷歌验证码或其他验证码', 'zh-TW': 'Google 驗證碼或其他驗證碼' },
};

/** Tells the agent why their message was blocked. */
export function secretRequestExplanation(kind: RequestedSecretKind, locale: Locale): string {
  const what = EXPLANATIONS[kind][locale];
  if (locale === 'en') {
    return (
      `Not sent: this message asks the customer for their ${what}. Staff must never ask for seed phrases, private ` +
      'keys, passwords or 2FA codes — whoever has them can take the funds, and scammers impersonate support this ' +
      'way. Rephrase it without asking for the secret; if you need to verify the customer, use the verification flow.'
    );
  }
  if (locale === 'zh-TW') {
    return (
      `未發送：這則訊息向客戶索取${what}。工作人員絕不可索取助記詞、私鑰、密碼或驗證碼——拿到的人就能轉走資產，` +
      '詐騙者也常冒充客服這樣做。請改寫訊息，不要索取這些資訊；如需核實身分，請使用身分驗證流程。'
    );
  }
  return (
    `未发送：这条消息向客户索要${what}。工作人员绝不可以索要助记词、私钥、密码或验证码——拿到的人就能转走资产，` +
    '骗子也常冒充客服这样做。请改写消息，不要索要这些信息；如需核实身份，请使用身份验证流程。'
  );
}
