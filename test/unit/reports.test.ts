import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvField, decodeCsv, encodeCsv } from '../../src/server/reports/csv.ts';
import { daysInRange, localDate, reportTimeZone, resolveRange } from '../../src/server/reports/report-range.ts';

test('csvField quotes exactly what RFC 4180 needs', () => {
  const cases: [string | number | null, string][] = [
    ['plain', 'plain'],
    ['提现未到账', '提现未到账'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r\nlf', '"cr\r\nlf"'],
    ['客服，你好, "朋友"', '"客服，你好, ""朋友"""'],
    [' padded', '" padded"'],
    [42.5, '42.5'],
    [null, ''],
  ];
  for (const [value, expected] of cases) assert.equal(csvField(value), expected, String(value));
});

test('encodeCsv: BOM, CRLF records, and decodeCsv reads it back', () => {
  const rows = [
    ['王小明, "客服"', 1],
    ['line\nbreak', null],
    ['', 0],
  ];
  const text = encodeCsv(['name', 'n'], rows);
  assert.ok(text.startsWith('\uFEFFname,n\r\n'));
  assert.ok(text.endsWith('\r\n'));
  assert.deepEqual(decodeCsv(text), [
    ['name', 'n'],
    ['王小明, "客服"', '1'],
    ['line\nbreak', ''],
    ['', '0'],
  ]);
});

test('report ranges: defaults, reversed, too long, zones', () => {
  const now = new Date('2026-06-10T17:00:00Z'); // 01:00 on 06-11 in Shanghai
  assert.equal(localDate(now, 'Asia/Shanghai'), '2026-06-11');
  assert.equal(localDate(now, 'UTC'), '2026-06-10');
  assert.deepEqual(resolveRange({}, now, 'Asia/Shanghai'), { from: '2026-05-13', to: '2026-06-11' });
  assert.equal(daysInRange('2026-05-13', '2026-06-11'), 30);
  assert.deepEqual(resolveRange({ from: '2025-06-01', to: '2026-06-01' }, now, 'UTC'), {
    from: '2025-06-01',
    to: '2026-06-01',
  });
  assert.throws(() => resolveRange({ from: '2026-06-02', to: '2026-06-01' }, now, 'UTC'), {
    code: 'report_range_reversed',
  });
  assert.throws(() => resolveRange({ from: '2025-05-31', to: '2026-06-01' }, now, 'UTC'), {
    code: 'report_range_too_long',
  });
  assert.equal(reportTimeZone('America/New_York'), 'America/New_York');
  assert.equal(reportTimeZone('Mars/Base'), 'Asia/Shanghai');
  assert.equal(reportTimeZone(undefined), 'Asia/Shanghai');
});
