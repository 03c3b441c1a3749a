import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as OpenCC from 'opencc-js/cn2t';
import { ADMIN_STRINGS, type AdminText, adminText } from '../../src/console/components/admin/strings.ts';
import {
  ADMIN_HELPDESK_STRINGS,
  type AdminText as HelpdeskAdminText,
  adminText as helpdeskAdminText,
} from '../../src/console/components/admin-helpdesk/strings.ts';
import { CALLS_STRINGS, type CallsText, callsText } from '../../src/console/components/calls/strings.ts';
import { CONTACT_STRINGS, type ContactText, contactText } from '../../src/console/components/contacts/strings.ts';
import { EXCHANGE_STRINGS, type ExchangeText, exchangeText } from '../../src/console/components/exchange/strings.ts';
import { FEEDBACK_STRINGS, type FeedbackText, feedbackText } from '../../src/console/components/feedback/strings.ts';
import {
  INTEGRATIONS_STRINGS,
  type IntegrationsText,
  integrationsText,
} from '../../src/console/components/integrations/strings.ts';
import { KB_STRINGS, type KbText, kbText } from '../../src/console/components/kb/strings.ts';
import { type RoutingStrings, routingStrings } from '../../src/console/components/routing/strings.ts';
import { type SurgeStrings, surgeStrings } from '../../src/console/components/surge/strings.ts';
import { TOOL_STRINGS, type ToolText, toolText } from '../../src/console/components/tools/strings.ts';
import { intentLabel, VIEW_STRINGS, type ViewText, viewText } from '../../src/console/components/views/strings.ts';
import { MESSAGES, type MessageKey, type UiLocale } from '../../src/console/i18n/messages.ts';
import { BUILTIN_INTENTS } from '../../src/contracts/intents.ts';
import { REPORTS_STRINGS, type ReportsText, reportsText } from '../../src/console/components/reports/strings.ts';
import {
  WALLBOARD_STRINGS,
  type WallboardText,
  wallboardText,
} from '../../src/console/components/wallboard/strings.ts';
import {
  WORKFORCE_STRINGS,
  type WorkforceText,
  workforceText,
} from '../../src/console/components/workforce/strings.ts';

const toTw = OpenCC.Converter({ from: 'cn', to: 'tw' });

/** 台 is the everyday Taiwan spelling of 臺 (台灣, 工作台); OpenCC's cn → tw always writes 臺, so both count as one. */
const sameInTaiwan = (text: string) => text.replace(/臺/g, '台');

/** Interpolation variables: {name} for the lookups, {{contact.name | …}} in the macro hint. */
const placeholders = (text: string) => [...text.matchAll(/\{+\s*([\w.]+)/g)].map((m) => m[1]).sort();

interface Table {
  name: string;
  keys: readonly string[];
  text: (locale: string, key: string) => string;
  /** Whether the lookup maps zh-HK / zh-Hant / bare zh itself (MESSAGES takes a UI locale only). */
  aliases: boolean;
}

const TABLES: Table[] = [
  {
    name: 'reportsText',
    keys: Object.keys(REPORTS_STRINGS.en),
    text: (locale, key) => reportsText(locale, key as ReportsText),
    aliases: true,
  },
  {
    name: 'workforceText',
    keys: Object.keys(WORKFORCE_STRINGS.en),
    text: (locale, key) => workforceText(locale, key as WorkforceText),
    aliases: true,
  },
  {
    name: 'wallboardText',
    keys: Object.keys(WALLBOARD_STRINGS.en),
    text: (locale, key) => wallboardText(locale, key as WallboardText),
    aliases: true,
  },
  {
    name: 'admin-helpdesk adminText',
    keys: Object.keys(ADMIN_HELPDESK_STRINGS.en),
    text: (locale, key) => helpdeskAdminText(locale, key as HelpdeskAdminText),
    aliases: true,
  },
  {
    name: 'admin adminText',
    keys: Object.keys(ADMIN_STRINGS.en),
    text: (locale, key) => adminText(locale, key as AdminText),
    aliases: true,
  },
  {
    name: 'exchangeText',
    keys: Object.keys(EXCHANGE_STRINGS.en),
    text: (locale, key) => exchangeText(locale, key as ExchangeText),
    aliases: true,
  },
  {
    name: 'feedbackText',
    keys: Object.keys(FEEDBACK_STRINGS.en),
    text: (locale, key) => feedbackText(locale, key as FeedbackText),
    aliases: true,
  },
  {
    name: 'callsText',
    keys: Object.keys(CALLS_STRINGS.en),
    text: (locale, key) => callsText(locale, key as CallsText),
    aliases: true,
  },
  {
    name: 'contactText',
    keys: Object.keys(CONTACT_STRINGS.en),
    text: (locale, key) => contactText(locale, key as ContactText),
    aliases: true,
  },
  {
    name: 'integrationsText',
    keys: Object.keys(INTEGRATIONS_STRINGS.en),
    text: (locale, key) => integrationsText(locale, key as IntegrationsText),
    aliases: true,
  },
  {
    name: 'kbText',
    keys: Object.keys(KB_STRINGS.en),
    text: (locale, key) => kbText(locale, key as KbText),
    aliases: true,
  },
  {
    name: 'toolText',
    keys: Object.keys(TOOL_STRINGS.en),
    text: (locale, key) => toolText(locale, key as ToolText),
    aliases: true,
  },
  {
    name: 'viewText',
    keys: Object.keys(VIEW_STRINGS.en),
    text: (locale, key) => viewText(locale, key as ViewText),
    aliases: true,
  },
  { name: 'intentLabel', keys: BUILTIN_INTENTS, text: intentLabel, aliases: true },
  {
    name: 'routingStrings',
    keys: Object.keys(routingStrings('en')),
    text: (locale, key) => routingStrings(locale)[key as keyof RoutingStrings],
    aliases: true,
  },
  {
    name: 'surgeStrings',
    keys: Object.keys(surgeStrings('en')),
    text: (locale, key) => surgeStrings(locale)[key as keyof SurgeStrings],
    aliases: true,
  },
  {
    name: 'MESSAGES',
    keys: Object.keys(MESSAGES.en),
    text: (locale, key) => MESSAGES[locale as UiLocale][key as MessageKey],
    aliases: false,
  },
];

for (const { name, keys, text, aliases } of TABLES) {
  describe(`${name} in Traditional Chinese (zh-TW)`, () => {
    test('has keys to check', () => assert.ok(keys.length > 0));

    test('every key has a non-empty zh-TW text', () => {
      const missing = keys.filter((key) => {
        const tw = text('zh-TW', key);
        return typeof tw !== 'string' || tw.trim() === '';
      });
      assert.deepEqual(missing, []);
    });

    test('every zh-TW text keeps the English placeholders', () => {
      const wrong = keys
        .filter((key) => placeholders(text('zh-TW', key)).join() !== placeholders(text('en', key)).join())
        .map((key) => `${key}: ${text('zh-TW', key)}`);
      assert.deepEqual(wrong, []);
    });

    test('no zh-TW text has a Simplified-only character', () => {
      const simplified = keys
        .map((key) => ({ key, tw: text('zh-TW', key) }))
        .filter(({ tw }) => sameInTaiwan(toTw(tw)) !== sameInTaiwan(tw))
        .map(({ key, tw }) => `${key}: ${tw} → ${toTw(tw)}`);
      assert.deepEqual(simplified, []);
    });

    test('the zh-TW table is not a copy of zh-CN', () => {
      const same = keys.filter((key) => text('zh-TW', key) === text('zh-CN', key));
      assert.ok(
        same.length * 2 < keys.length,
        `${same.length} of ${keys.length} texts equal zh-CN: ${same.join(', ')}`,
      );
    });

    if (aliases) {
      const key = keys.find((k) => new Set(['en', 'zh-CN', 'zh-TW'].map((locale) => text(locale, k))).size === 3);
      const cases = [
        ['zh-TW', 'zh-TW'],
        ['zh-HK', 'zh-TW'],
        ['zh-Hant', 'zh-TW'],
        ['zh-Hant-TW', 'zh-TW'],
        ['zh-CN', 'zh-CN'],
        ['zh', 'zh-CN'],
        ['zh-Hans', 'zh-CN'],
        ['en', 'en'],
        ['fr', 'en'],
      ] as const;
      for (const [asked, table] of cases) {
        test(`locale ${asked} reads the ${table} table`, () => {
          assert.ok(key, 'some key differs in all three languages');
          assert.equal(text(asked, key), text(table, key));
        });
      }
    }
  });
}

describe('lookups still interpolate in zh-TW', () => {
  test('helpdesk admin', () =>
    assert.equal(helpdeskAdminText('zh-TW', 'confirmDelete', { name: '退款' }), '要刪除「退款」嗎？'));
  test('exchange', () => assert.equal(exchangeText('zh-TW', 'approvals', { n: 1, m: 2 }), '核准：1 / 2'));
  test('unknown intents are shown as their id', () =>
    assert.equal(intentLabel('zh-TW', 'custom_intent'), 'custom_intent'));
});
