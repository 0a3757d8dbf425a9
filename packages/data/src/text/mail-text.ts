import { htmlToText } from './html-text.js';
import { parseContentType, splitMailEntity, type MailEntity } from './mail-headers.js';
import { decodeTransferEncoding } from './transfer-encoding.js';

/** How deep multiparts and attached messages are followed; deeper parts are dropped. */
export const MAX_MIME_DEPTH = 8;

/** A `text/plain` body with an `<html>` or `<body>` tag is HTML mislabelled (common in spam). */
const HTML_IN_PLAIN_TEXT = /<\s*(?:html|body)\b/i;

/** The text of one MIME entity, and whether it came from a `text/plain` part. */
interface EntityText {
  text: string;
  plain: boolean;
}

/** The parts of a multipart body: what lies between `--boundary` lines, up to `--boundary--`. */
export function splitMultipart(body: string, boundary: string): string[] {
  const parts: string[] = [];
  let current: string[] | undefined;
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trimEnd();
    if (trimmed === `--${boundary}--`) {
      if (current !== undefined) parts.push(current.join('\n'));
      return parts;
    }
    if (trimmed === `--${boundary}`) {
      if (current !== undefined) parts.push(current.join('\n'));
      current = [];
    } else if (current !== undefined) {
      current.push(line);
    }
  }
  if (current !== undefined) parts.push(current.join('\n'));
  return parts;
}

function plainText(text: string): EntityText {
  return HTML_IN_PLAIN_TEXT.test(text) ? { text: htmlToText(text), plain: false } : { text, plain: true };
}

function entityText(entity: MailEntity, depth: number): EntityText {
  const contentType = parseContentType(entity.headers.get('content-type'));
  const { mediaType } = contentType;
  const decode = (): string => decodeTransferEncoding(entity.body, entity.headers.get('content-transfer-encoding'), contentType.parameters.get('charset'));
  if (mediaType === 'text/plain') return plainText(decode());
  if (mediaType === 'text/html') return { text: htmlToText(decode()), plain: false };
  if (depth >= MAX_MIME_DEPTH) return { text: '', plain: false };
  if (mediaType === 'message/rfc822') return entityText(splitMailEntity(entity.body), depth + 1);
  if (mediaType.startsWith('multipart/')) {
    const boundary = contentType.parameters.get('boundary');
    const bodies = boundary === undefined || boundary === '' ? [] : splitMultipart(entity.body, boundary);
    if (bodies.length === 0) return plainText(decode());
    const parts = bodies.map((part) => entityText(splitMailEntity(part), depth + 1));
    if (mediaType === 'multipart/alternative') {
      const chosen = parts.find((part) => part.plain && part.text.trim() !== '') ?? parts.find((part) => part.text.trim() !== '');
      return chosen ?? { text: '', plain: false };
    }
    const texts = parts.map((part) => part.text).filter((text) => text.trim() !== '');
    return { text: texts.join('\n'), plain: parts.some((part) => part.plain) };
  }
  return { text: '', plain: false };
}

/**
 * The text a model sees of one raw mail message (headers included): the headers are stripped
 * (everything up to the first blank line), then the body is read by its MIME structure:
 *
 * - `text/plain` (also a message without a `Content-Type`): its text, read as HTML when it has an
 *   `<html` or `<body` tag (HTML sent as plain text, common in spam);
 * - `text/html`: its text ({@link htmlToText});
 * - quoted-printable and base64 text parts are decoded and read in their charset
 *   ({@link decodeTransferEncoding});
 * - `multipart/alternative`: the first non-empty `text/plain` alternative, else the first non-empty one;
 * - other `multipart/*` (`mixed`, `related`, `signed`, `report`): the texts of all their parts, in order;
 *   a multipart without a boundary, or whose boundary never appears on a line of its own (broken
 *   mail), is read as `text/plain`;
 * - `message/rfc822` (a forwarded message): that message, its own headers stripped;
 * - anything else (images, attachments, signatures): dropped.
 *
 * Parts nested deeper than {@link MAX_MIME_DEPTH} are dropped. Finally every run of whitespace (with
 * U+00A0) becomes one space, and the ends are trimmed.
 */
export function extractMailText(raw: string): string {
  return entityText(splitMailEntity(raw), 0)
    .text.replace(/[\s\u00a0]+/g, ' ')
    .trim();
}
