import * as OpenCC from 'opencc-js/cn2t';

// Built on first use: the phrase tables take a moment to load and most processes never write zh-TW.
let convertPhrases: ((text: string) => string) | undefined;

// Taiwan usage OpenCC's twp table gets wrong or leaves out: 帳 for accounts (帳戶, 到帳), 回覆 for a reply, 審核 for
// a review, 「」 quotation marks.
const TAIWAN_USAGE: [RegExp, string][] = [
  [/賬/g, '帳'],
  [/回復/g, '回覆'],
  // twp turns 审核 (a review) into 稽核 (an audit); Taiwan exchanges say 審核中.
  [/稽核/g, '審核'],
  [/“/g, '「'],
  [/”/g, '」'],
  [/‘/g, '『'],
  [/’/g, '』'],
];

/**
 * Simplified Chinese as readers in Taiwan write it: Traditional characters with Taiwan phrases (twp: 網路, 軟體,
 * 資訊, 登入, not 網絡, 軟件, 信息, 登錄) and usage. Used for the bot's replies and the zh-TW help centre.
 */
export function toTaiwanText(simplified: string): string {
  const convert = convertPhrases ?? OpenCC.Converter({ from: 'cn', to: 'twp' });
  convertPhrases = convert;
  let text = convert(simplified);
  for (const [pattern, replacement] of TAIWAN_USAGE) text = text.replace(pattern, replacement);
  return text;
}
