import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AttributeDefinition, AttributeValue, MacroValues } from '../../src/contracts/tools.ts';
import { chooseMacroLanguage, renderTemplate } from '../../src/contracts/tools.ts';
import { coerceAttributeValue } from '../../src/server/conversations/conversations.tools.service.ts';
import { findMentionedAgents } from '../../src/server/notifications/mentions.ts';

const values: MacroValues = {
  'contact.name': '王小明',
  'contact.uid': 'U-20240118',
  'contact.email': null,
  'contact.vip': 3,
  'conversation.number': 1024,
  'agent.name': 'Alice',
};

describe('macro rendering', () => {
  const cases: { name: string; template: string; expected: string; unknown?: string[] }[] = [
    {
      name: 'fills Chinese text with the customer name and the conversation number',
      template: '{{contact.name}}您好，工单 #{{conversation.number}} 已收到，客服 {{agent.name}} 为您处理。',
      expected: '王小明您好，工单 #1024 已收到，客服 Alice 为您处理。',
    },
    {
      name: 'fills English text and tolerates spaces inside the braces',
      template: 'Hi {{ contact.name }}, your UID {{contact.uid}} is VIP {{contact.vip}}.',
      expected: 'Hi 王小明, your UID U-20240118 is VIP 3.',
    },
    {
      name: 'leaves an unknown variable visible and reports it',
      template: 'Dear {{contact.nickname}}, see {{ order.id }}.',
      expected: 'Dear {{contact.nickname}}, see {{ order.id }}.',
      unknown: ['contact.nickname', 'order.id'],
    },
    {
      name: 'uses the fallback when a known value is missing',
      template: 'Hi {{contact.email | there}}!',
      expected: 'Hi there!',
    },
    {
      name: 'renders a missing value without a fallback as nothing',
      template: '[{{contact.email}}]',
      expected: '[]',
    },
    {
      name: 'keeps a Chinese fallback',
      template: '{{contact.email | 尊敬的客户}}您好',
      expected: '尊敬的客户您好',
    },
    {
      name: 'ignores braces that are not a placeholder',
      template: 'JSON {"a": 1} and {single} and {{}}',
      expected: 'JSON {"a": 1} and {single} and {{}}',
    },
    { name: 'renders an empty template as empty', template: '', expected: '' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const result = renderTemplate(c.template, values);
      assert.equal(result.text, c.expected);
      assert.deepEqual(result.unknownVariables, c.unknown ?? []);
    });
  }

  test('never throws on malformed templates', () => {
    for (const template of ['{{', '}}', '{{contact.name', '{{{contact.name}}}', '{{ | }}', '{{a|b|c}}']) {
      assert.doesNotThrow(() => renderTemplate(template, values));
    }
  });
});

describe('macro language', () => {
  const both = { zh: '您好', en: 'Hello' };
  const cases: {
    name: string;
    bodies: { zh?: string; en?: string };
    locale: 'zh-CN' | 'zh-TW' | 'en' | null;
    preferred?: 'zh' | 'en';
    expected: 'zh' | 'en' | null;
  }[] = [
    { name: 'a zh-CN customer gets zh', bodies: both, locale: 'zh-CN', expected: 'zh' },
    { name: 'a zh-TW customer gets zh', bodies: both, locale: 'zh-TW', expected: 'zh' },
    { name: 'an English customer gets en', bodies: both, locale: 'en', expected: 'en' },
    { name: 'an unknown locale defaults to zh', bodies: both, locale: null, expected: 'zh' },
    { name: 'the agent may override the language', bodies: both, locale: 'zh-CN', preferred: 'en', expected: 'en' },
    { name: 'a macro with only en serves a Chinese customer', bodies: { en: 'Hi' }, locale: 'zh-CN', expected: 'en' },
    { name: 'a macro without text has no language', bodies: {}, locale: 'en', expected: null },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(chooseMacroLanguage(c.bodies, c.locale, c.preferred), c.expected));
  }
});

describe('mentions in internal notes', () => {
  const agents = [
    { id: 'a1', name: 'Li Wei' },
    { id: 'a2', name: 'Li' },
    { id: 'a3', name: '小王' },
    { id: 'a4', name: 'Bob' },
  ];
  const cases: { name: string; body: string; expected: string[] }[] = [
    { name: 'a full name with a space', body: '@Li Wei please check the TRC20 hash', expected: ['a1'] },
    { name: 'the longest matching name wins', body: '@li wei and @Li, look', expected: ['a1', 'a2'] },
    { name: 'a Chinese name followed by Chinese text', body: '@小王请看一下这个充值', expected: ['a3'] },
    { name: 'a name must end at a word boundary', body: '@Bobby is not Bob', expected: [] },
    { name: 'an e-mail address is not a mention', body: 'write to bob@lumen.io', expected: [] },
    { name: 'punctuation after a name is fine', body: 'cc @Bob, @小王。', expected: ['a4', 'a3'] },
    { name: 'the same agent twice notifies once', body: '@Bob @Bob', expected: ['a4'] },
    { name: 'no @ means nobody', body: 'Bob should look', expected: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(
        findMentionedAgents(c.body, agents).map((a) => a.id),
        c.expected,
      );
    });
  }
});

describe('custom attribute values', () => {
  const def = (type: AttributeDefinition['type'], options: string[] | null = null): AttributeDefinition => ({
    key: 'k',
    label: 'K',
    type,
    options,
  });
  const cases: {
    name: string;
    def: AttributeDefinition;
    value: AttributeValue;
    expected: AttributeValue | 'invalid';
  }[] = [
    { name: 'text is trimmed', def: def('text'), value: '  TX123 ', expected: 'TX123' },
    { name: 'blank text is refused', def: def('text'), value: '   ', expected: 'invalid' },
    { name: 'a number', def: def('number'), value: 12.5, expected: 12.5 },
    { name: 'a number given as text is refused', def: def('number'), value: '12', expected: 'invalid' },
    { name: 'a boolean', def: def('boolean'), value: false, expected: false },
    { name: 'a calendar date', def: def('date'), value: '2026-02-28', expected: '2026-02-28' },
    { name: 'a date that does not exist is refused', def: def('date'), value: '2026-02-30', expected: 'invalid' },
    { name: 'a list option', def: def('list', ['TRC20', 'ERC20']), value: 'TRC20', expected: 'TRC20' },
    { name: 'a value outside the list is refused', def: def('list', ['TRC20']), value: 'BEP20', expected: 'invalid' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      if (c.expected === 'invalid') {
        assert.throws(() => coerceAttributeValue(c.def, c.value), { code: 'attribute_invalid' });
      } else {
        assert.equal(coerceAttributeValue(c.def, c.value), c.expected);
      }
    });
  }
});
