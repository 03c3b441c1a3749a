import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toTaiwanText } from '../../src/server/text/taiwan-text.ts';

const cases: [string, string, string][] = [
  ['uses Taiwan phrases', '登录后检查网络和软件信息', '登入後檢查網路和軟體資訊'],
  ['writes 帳 for accounts', '账户被锁定，账号安全，充值到账', '帳戶被鎖定，帳號安全，充值到帳'],
  ['writes 回覆 for a reply', '请回复“人工”', '請回覆「人工」'],
  ['uses corner brackets for nested quotes too', '点击‘忘记密码’', '點選『忘記密碼』'],
  ['leaves 恢復 (restore) alone', '恢复钱包', '恢復錢包'],
  ['says 審核 for a withdrawal review, not 稽核 (audit)', '提币审核中', '提幣審核中'],
];
for (const [behaviour, input, expected] of cases) {
  test(`toTaiwanText ${behaviour}`, () => assert.equal(toTaiwanText(input), expected));
}
