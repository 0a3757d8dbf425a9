import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/text/html-text.js';
import { parseContentType, splitMailEntity } from '../../src/text/mail-headers.js';
import { extractMailText, splitMultipart } from '../../src/text/mail-text.js';
import { decodeBase64, decodeQuotedPrintable, decodeTransferEncoding } from '../../src/text/transfer-encoding.js';

/** Joins lines with `\n`, as the corpus stores messages. */
const mail = (...lines: string[]): string => lines.join('\n');

describe('splitMailEntity', () => {
  it('cuts at the first blank line: headers before it (folded lines unfolded, the mbox From line ignored), the body after it', () => {
    const entity = splitMailEntity(
      mail(
        'From someone@example.com  Thu Aug 22 12:36:23 2002',
        'Subject: Hello',
        '  world',
        'Content-Type: text/plain;',
        '\tcharset="us-ascii"',
        'subject: a second subject is ignored',
        '',
        'Body line one.',
        '',
        'Body: not a header.',
      ),
    );
    expect([...entity.headers]).toEqual([
      ['subject', 'Hello world'],
      ['content-type', 'text/plain; charset="us-ascii"'],
    ]);
    expect(entity.body).toBe('Body line one.\n\nBody: not a header.');
  });

  it('reads a message without a blank line as all headers, and one that starts with a blank line as all body', () => {
    expect(splitMailEntity('Subject: only headers\nFrom: a@b').body).toBe('');
    expect(splitMailEntity('\nSubject: this is body text').body).toBe('Subject: this is body text');
    expect(splitMailEntity('\r\nBody with CRLF').headers.size).toBe(0);
    expect(splitMailEntity('Subject: x\r\n\r\nCRLF body').body).toBe('CRLF body');
  });

  it('parses Content-Type with quoted and bare parameters, and defaults to text/plain', () => {
    const type = parseContentType('Multipart/Alternative; boundary="----=_NextPart_000"; CHARSET=iso-8859-1');
    expect(type.mediaType).toBe('multipart/alternative');
    expect(Object.fromEntries(type.parameters)).toEqual({ boundary: '----=_NextPart_000', charset: 'iso-8859-1' });
    expect(parseContentType(undefined).mediaType).toBe('text/plain');
    expect(parseContentType('garbage').mediaType).toBe('text/plain');
  });
});

describe('transfer encodings', () => {
  it('decodes quoted-printable: =XX bytes, soft line breaks, a stray = kept', () => {
    expect(new TextDecoder().decode(decodeQuotedPrintable('caf=C3=A9 au=\nlait =3D 1 = 2'))).toBe('café aulait = 1 = 2');
  });

  it('decodes base64 across line breaks', () => {
    expect(new TextDecoder().decode(decodeBase64('SGVsbG8s\nIHdvcmxk\r\nIQ=='))).toBe('Hello, world!');
  });

  it('reads decoded bytes in the part charset (Latin-1 here), UTF-8 when it is unknown, and leaves 7bit/8bit bodies alone', () => {
    expect(decodeTransferEncoding('na=EFve', 'Quoted-Printable', 'iso-8859-1')).toBe('naïve');
    expect(decodeTransferEncoding('w6k=', 'base64', 'no-such-charset')).toBe('é');
    expect(decodeTransferEncoding('a=3Db', '7bit', undefined)).toBe('a=3Db');
    expect(decodeTransferEncoding('a=3Db', undefined, undefined)).toBe('a=3Db');
  });
});

describe('htmlToText', () => {
  it('drops tags, comments, style and script (with their content), keeps a title, and decodes character references', () => {
    const html =
      '<html><head><title>Offer</title><style>p { color: red }</style></head><body><!-- hidden -->' +
      '<p>Buy&nbsp;<b>now</b> &amp; save&#33; &#x263A; &lt;3 &bogus;</p><script>alert(1)</script></body></html>';
    expect(htmlToText(html).replace(/\s+/g, ' ').trim()).toBe('Offer Buy now & save! ☺ <3 &bogus;');
  });

  it('keeps the text after an unclosed <head>, comment or <style>, as spam leaves them', () => {
    const squash = (html: string): string => htmlToText(html).replace(/\s+/g, ' ').trim();
    expect(squash('<html><head><body>Cheap <!--#rotate>ink<style>.a{}</style> today')).toBe('Cheap ink today');
    expect(squash('<style>unclosed style text')).toBe('unclosed style text');
  });
});

describe('extractMailText', () => {
  it('strips the headers of a plain message and collapses whitespace', () => {
    const raw = mail('Return-Path: <a@example.com>', 'Subject: Lunch', 'X-Spam: no', '', 'Are we   still on', 'for lunch?', '');
    expect(extractMailText(raw)).toBe('Are we still on for lunch?');
  });

  it('reads a multipart/mixed message: the plain part, the alternative chosen as text/plain, a base64 text attachment, no binary attachment', () => {
    const raw = mail(
      'From: spammer@example.com',
      'Subject: Offer',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="OUTER"',
      '',
      'This is a multi-part message in MIME format (a preamble: dropped).',
      '--OUTER',
      'Content-Type: multipart/alternative; boundary=INNER',
      '',
      '--INNER',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Caf=E9 offer: 50% off, to=',
      'day only.',
      '--INNER',
      'Content-Type: text/html',
      '',
      '<html><body><p>Café offer (HTML copy: not taken)</p></body></html>',
      '--INNER--',
      '--OUTER',
      'Content-Type: text/plain; name="terms.txt"',
      'Content-Transfer-Encoding: base64',
      '',
      'VGVybXMgYXBwbHku',
      '--OUTER',
      'Content-Type: image/gif; name="logo.gif"',
      'Content-Transfer-Encoding: base64',
      '',
      'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7',
      '--OUTER--',
      'An epilogue: dropped.',
    );
    expect(extractMailText(raw)).toBe('Café offer: 50% off, today only. Terms apply.');
  });

  it('takes the HTML alternative when there is no plain one, and reads a forwarded message without its headers', () => {
    const raw = mail(
      'Content-Type: multipart/mixed; boundary=b1',
      '',
      '--b1',
      'Content-Type: multipart/alternative; boundary=b2',
      '',
      '--b2',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Click <a href="http://x">here</a></p>',
      '--b2--',
      '--b1',
      'Content-Type: message/rfc822',
      '',
      'From: friend@example.com',
      'Subject: fwd',
      '',
      'The forwarded text.',
      '--b1--',
    );
    expect(extractMailText(raw)).toBe('Click here The forwarded text.');
  });

  it('reads a multipart/signed message without its signature, and HTML sent as text/plain as HTML', () => {
    const signed = mail(
      'Content-Type: multipart/signed; micalg=pgp-sha1; protocol="application/pgp-signature"; boundary="sig"',
      '',
      '--sig',
      'Content-Type: text/plain',
      '',
      'Signed words.',
      '--sig',
      'Content-Type: application/pgp-signature',
      '',
      '-----BEGIN PGP SIGNATURE-----',
      'iD8DBQE9',
      '-----END PGP SIGNATURE-----',
      '--sig--',
    );
    expect(extractMailText(signed)).toBe('Signed words.');
    expect(extractMailText(mail('Subject: x', '', '<HTML><BODY>Win <B>big</B></BODY></HTML>'))).toBe('Win big');
  });

  it('reads a multipart without a boundary, or whose boundary never appears, as plain text, and a message with only an attachment as empty', () => {
    expect(extractMailText(mail('Content-Type: multipart/mixed', '', 'just text'))).toBe('just text');
    const brokenBoundary = mail('Content-Type: multipart/alternative; boundary="=Multipart Boundary 0925"', '', '--= Multipart Boundary 0925', 'Content-Type: text/plain', '', '<html><body>Inkjet deals</body></html>');
    expect(extractMailText(brokenBoundary)).toBe('--= Multipart Boundary 0925 Content-Type: text/plain Inkjet deals');
    const onlyAttachment = mail('Content-Type: multipart/mixed; boundary=z', '', '--z', 'Content-Type: application/zip', '', 'UEsDBA==', '--z--');
    expect(extractMailText(onlyAttachment)).toBe('');
  });

  it('splits multipart bodies on boundary lines only (trailing spaces allowed), up to the closing boundary', () => {
    expect(splitMultipart('pre\n--b \nA\n--bb\n--b\nB\n--b--\nafter', 'b')).toEqual(['A\n--bb', 'B']);
  });
});
