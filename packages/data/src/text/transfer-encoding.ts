import { TextDecoder } from 'node:util';

/**
 * The bytes of a body's characters: a character below U+0100 is its own byte (a raw 8-bit body
 * read as Latin-1), anything above is written as UTF-8 (text the corpus already stores decoded).
 */
function textBytes(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code < 0x100) bytes.push(code);
    else bytes.push(...Buffer.from(char, 'utf8'));
  }
  return bytes;
}

/**
 * Decodes a quoted-printable body (RFC 2045, 6.7) to bytes: `=XX` (hex, either case) is the byte
 * `XX`, `=` at the end of a line is a soft line break (removed with the line break), and any other
 * `=` is kept as it is. Other characters are their own bytes (see the module's `textBytes`).
 */
export function decodeQuotedPrintable(body: string): Uint8Array {
  const unfolded = body.replace(/=[ \t]*\r?\n/g, '');
  const bytes: number[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal !== '') bytes.push(...textBytes(literal));
    literal = '';
  };
  for (let i = 0; i < unfolded.length; i++) {
    const char = unfolded[i] as string;
    if (char === '=' && /^[0-9a-f]{2}$/i.test(unfolded.slice(i + 1, i + 3))) {
      flush();
      bytes.push(Number.parseInt(unfolded.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      literal += char;
    }
  }
  flush();
  return Uint8Array.from(bytes);
}

/** Decodes a base64 body (RFC 2045, 6.8) to bytes; characters outside the base64 alphabet are skipped. */
export function decodeBase64(body: string): Uint8Array {
  return new Uint8Array(Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'));
}

/**
 * Decodes bytes as text in a MIME charset (`utf-8`, `iso-8859-1`, `windows-1252`, `gb2312`, ...:
 * whatever the WHATWG `TextDecoder` of this Node knows), replacing malformed sequences with U+FFFD.
 * A missing or unknown charset is read as UTF-8.
 */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes);
}

/**
 * A MIME text body as text: quoted-printable and base64 bodies are decoded to bytes and read in
 * the part's charset ({@link decodeCharset}); any other transfer encoding (`7bit`, `8bit`, `binary`,
 * none) leaves the body as it is.
 *
 * @param body - the part's body.
 * @param transferEncoding - the `Content-Transfer-Encoding` value, any case, or `undefined`.
 * @param charset - the `charset` parameter of the part's `Content-Type`, or `undefined`.
 */
export function decodeTransferEncoding(body: string, transferEncoding: string | undefined, charset: string | undefined): string {
  const encoding = transferEncoding?.trim().toLowerCase();
  if (encoding === 'quoted-printable') return decodeCharset(decodeQuotedPrintable(body), charset);
  if (encoding === 'base64') return decodeCharset(decodeBase64(body), charset);
  return body;
}
