import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allowedContentType, MAX_FILE_NAME_CHARS, safeFileName } from '../../src/server/files/files.service.ts';

describe('file names and types (src/server/files/files.service.ts)', () => {
  test('a stored name has no folders, control or bidi characters, and keeps its extension when cut', () => {
    assert.equal(safeFileName('C:\\Users\\li\\截图.png'), '截图.png');
    assert.equal(safeFileName('../../etc/passwd'), 'passwd');
    // U+202E would show "invoice\u202Egpj.exe" as "invoiceexe.jpg".
    assert.equal(safeFileName('invoice\u202Egpj.exe'), 'invoicegpj.exe');
    assert.equal(safeFileName('a\r\nSet-Cookie: x=1\0.txt'), 'aSet-Cookie_ x=1.txt', 'no header injection');
    assert.equal(safeFileName('...'), 'file');
    assert.equal(safeFileName('  .hidden  '), 'hidden');
    const long = safeFileName(`${'长'.repeat(300)}.pdf`);
    assert.equal([...long].length, MAX_FILE_NAME_CHARS);
    assert.ok(long.endsWith('.pdf'));
    assert.equal(safeFileName('say "hi".txt'), 'say _hi_.txt');
  });

  test('the bytes decide the type; text must be UTF-8 without NUL, named as text, and not markup', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    assert.equal(await allowedContentType(png, 'statement.txt'), 'image/png');
    assert.equal(await allowedContentType(Buffer.from('TxID: 0xabc'), 'txid.txt'), 'text/plain; charset=utf-8');
    assert.equal(
      await allowedContentType(Buffer.from('TxID: 0xabc'), 'txid', 'text/plain'),
      'text/plain; charset=utf-8',
    );
    for (const [bytes, name] of [
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'), 'logo.svg'],
      [Buffer.from('<!doctype html><p>hi'), 'page.txt'],
      [Buffer.from('plain words'), 'photo.png'],
      [Buffer.from([0x61, 0x00, 0x62]), 'a.txt'],
      [Buffer.from([0xc3, 0x28]), 'bad-utf8.txt'],
      [Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00'), 'wallet.zip'],
    ] as const) {
      await assert.rejects(allowedContentType(bytes, name), { code: 'file_type_not_allowed' }, name);
    }
  });
});
