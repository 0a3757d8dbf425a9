/** A value a flat MLflow `meta.yaml` holds: a scalar, or an (empty) list such as `tags: []`. */
export type YamlValue = string | number | boolean | null | YamlValue[];

/**
 * Plain text that YAML 1.1's implicit types (as PyYAML resolves them) read as something other
 * than a string: null, booleans, integers, floats, timestamps, merge and value keys.
 */
const IMPLICIT_NON_STRING = [
  /^(?:~|null|Null|NULL|)$/,
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
  /^(?:<<|=)$/,
];

/**
 * A plain scalar is written only where PyYAML would write one: no leading indicator
 * (`#,[]{}&*!|>'"%@` and backquote; `-`, `?` or `:` before a space), no `: `, ` #`, trailing `:`, tab or line
 * break, no surrounding spaces, and nothing an implicit type would claim.
 */
const PLAIN_UNSAFE_START = /^(?:[#,[\]{}&*!|>'"%@`\s]|[-?:](?:\s|$))/;
const PLAIN_UNSAFE_INSIDE = /: |:$| #|\s$|[\t\n\r]/;

/**
 * Characters YAML allows unescaped (its `c-printable` set), minus what PyYAML treats as a line
 * break (`\n`, `\r`, U+0085, U+2028, U+2029) and the byte-order mark.
 */
const PRINTABLE_SINGLE_LINE = /^[\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/**
 * Writes a string as a YAML scalar that PyYAML (and {@link parseYamlScalar}) reads back as the
 * same string, in the style PyYAML's own dump picks: plain when that is unambiguous, single-quoted when printable on one line, else
 * double-quoted with escapes.
 *
 * @param text - The string to write.
 */
export function emitYamlString(text: string): string {
  const plainIsSafe =
    !PLAIN_UNSAFE_START.test(text) && !PLAIN_UNSAFE_INSIDE.test(text) && !IMPLICIT_NON_STRING.some((pattern) => pattern.test(text));
  if (plainIsSafe && PRINTABLE_SINGLE_LINE.test(text)) return text;
  if (PRINTABLE_SINGLE_LINE.test(text)) return `'${text.replaceAll("'", "''")}'`;
  return `"${escapeDoubleQuoted(text)}"`;
}

const DOUBLE_QUOTED_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '\\0',
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '\x1B': '\\e',
  '"': '\\"',
  '\\': '\\\\',
  '\x85': '\\N',
  '\xA0': '\\_',
  '\u2028': '\\L',
  '\u2029': '\\P',
};

function escapeDoubleQuoted(text: string): string {
  let escaped = '';
  for (const character of text) {
    const named = DOUBLE_QUOTED_ESCAPES[character];
    const code = character.codePointAt(0) ?? 0;
    if (named !== undefined) escaped += named;
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) escaped += `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else if ((code >= 0xd800 && code <= 0xdfff) || code === 0xfeff || code === 0xfffe || code === 0xffff) escaped += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else escaped += character;
  }
  return escaped;
}

/**
 * Writes one value of a flat MLflow `meta.yaml`: `null`, an integer, a string, or an empty list.
 *
 * @param value - The value to write.
 * @param where - The file and key, named in the error for a value this writer does not handle.
 */
export function emitYamlValue(value: YamlValue, where: string): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return emitYamlString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (Array.isArray(value) && value.length === 0) return '[]';
  throw new Error(`${where}: cannot write ${JSON.stringify(value)} (only null, safe integers, strings and [] are written).`);
}

const SINGLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1B',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xA0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_ESCAPE_LENGTHS: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/** Every line break PyYAML recognises: CRLF, CR, LF, NEL, and the Unicode line and paragraph separators. */
export const YAML_LINE_BREAK = /\r\n|[\r\n\x85\u2028\u2029]/;

/** Splits text into lines and the breaks between them, normalised as PyYAML does (LS and PS kept, the rest `\n`). */
function splitLines(text: string): { lines: string[]; breaks: string[] } {
  const parts = text.split(new RegExp(`(${YAML_LINE_BREAK.source})`));
  const lines: string[] = [];
  const breaks: string[] = [];
  parts.forEach((part, index) => {
    if (index % 2 === 0) lines.push(part);
    else breaks.push(part === '\u2028' || part === '\u2029' ? part : '\n');
  });
  return { lines, breaks };
}

/**
 * Folds the lines of a multi-line flow scalar as PyYAML does: a line feed becomes a space, each
 * further empty line keeps its break, and LS/PS breaks are kept. Lines are trimmed, except the
 * outer edges.
 */
function foldFlowLines({ lines, breaks }: { lines: readonly string[]; breaks: readonly string[] }): string {
  let folded = '';
  let pending: string[] = [];
  lines.forEach((line, index) => {
    const isFirst = index === 0;
    const isLast = index === lines.length - 1;
    let content = isFirst ? line : line.replace(/^[ \t]+/, '');
    if (!isLast) content = content.replace(/[ \t]+$/, '');
    if (!isFirst) pending.push(breaks[index - 1] ?? '\n');
    if (!isFirst && content === '' && !isLast) return;
    if (pending.length > 0) {
      const [first = '\n', ...rest] = pending;
      folded += (first !== '\n' ? first : rest.length === 0 ? ' ' : '') + rest.join('');
    }
    pending = [];
    folded += content;
  });
  return folded;
}

function unescapeDoubleQuoted(body: string, where: string): string {
  let text = '';
  for (let index = 0; index < body.length; index += 1) {
    const character = body[index] ?? '';
    if (character !== '\\') {
      text += character;
      continue;
    }
    const escape = body[index + 1] ?? '';
    const hexLength = HEX_ESCAPE_LENGTHS[escape];
    if (hexLength !== undefined) {
      const hex = body.slice(index + 2, index + 2 + hexLength);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexLength) throw new Error(`${where}: bad escape '\\${escape}${hex}'.`);
      text += String.fromCodePoint(Number.parseInt(hex, 16));
      index += 1 + hexLength;
      continue;
    }
    const single = SINGLE_ESCAPES[escape];
    if (single === undefined) throw new Error(`${where}: unknown escape '\\${escape}'.`);
    text += single;
    index += 1;
  }
  return text;
}

/** Folds a double-quoted body, joining lines whose break is escaped with a final `\`, then unescapes it. */
function foldDoubleQuoted(body: string, where: string): string {
  const { lines, breaks } = splitLines(body);
  const keptLines: string[] = [];
  const keptBreaks: string[] = [];
  let carry: string | undefined;
  lines.forEach((line, index) => {
    const current = carry === undefined ? line : carry + line.replace(/^[ \t]+/, '');
    carry = undefined;
    const trailingBackslashes = /\\*$/.exec(current)?.[0].length ?? 0;
    if (trailingBackslashes % 2 === 1 && index + 1 < lines.length) {
      carry = current.slice(0, -1);
      return;
    }
    keptLines.push(current);
    if (index < breaks.length) keptBreaks.push(breaks[index] ?? '\n');
  });
  return unescapeDoubleQuoted(foldFlowLines({ lines: keptLines, breaks: keptBreaks }), where);
}

function findClosingQuote(text: string, quote: string): number {
  for (let index = 1; index < text.length; index += 1) {
    const character = text[index];
    if (quote === '"' && character === '\\') index += 1;
    else if (quote === "'" && character === "'" && text[index + 1] === "'") index += 1;
    else if (character === quote) return index;
  }
  return -1;
}

function resolvePlain(text: string): YamlValue {
  const [nullPattern, boolPattern, intPattern, floatPattern] = IMPLICIT_NON_STRING;
  if (nullPattern?.test(text)) return null;
  if (boolPattern?.test(text)) return /^(?:yes|true|on)$/i.test(text);
  if (/^[-+]?(?:0|[1-9][0-9_]*)$/.test(text)) return Number(text.replaceAll('_', ''));
  if (intPattern?.test(text) || floatPattern?.test(text)) return parseYamlNumber(text);
  if (text === '[]') return [];
  return text;
}

/** Reads YAML 1.1's other numeric forms (binary, octal, hex, base 60, `.inf`, `.nan`). */
function parseYamlNumber(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[-+]/, '').replaceAll('_', '');
  if (/^\.(?:inf|Inf|INF)$/.test(body)) return sign * Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(body)) return NaN;
  if (body.startsWith('0b')) return sign * Number.parseInt(body.slice(2), 2);
  if (body.startsWith('0x')) return sign * Number.parseInt(body.slice(2), 16);
  if (body.includes(':')) return sign * body.split(':').reduce((total, part) => total * 60 + Number(part), 0);
  if (/^0[0-7]+$/.test(body)) return sign * Number.parseInt(body, 8);
  return sign * Number(body);
}

/**
 * Reads one scalar value of a flat `meta.yaml` as PyYAML's safe loader would: plain scalars
 * resolved to null, booleans, integers and floats by YAML 1.1's rules, single- and double-quoted
 * strings (with folding across lines and escapes), and the empty list `[]`.
 *
 * @param raw - The value's text: the rest of its key's line, then any continuation lines with their original breaks.
 * @param where - The file and key, named in errors.
 */
export function parseYamlScalar(raw: string, where: string): YamlValue {
  const text = raw.trim();
  const quote = text[0];
  if (quote === "'" || quote === '"') {
    const closing = findClosingQuote(text, quote);
    if (closing < 0) throw new Error(`${where}: unterminated ${quote === "'" ? 'single' : 'double'}-quoted string.`);
    const rest = text.slice(closing + 1).trim();
    if (rest !== '' && !rest.startsWith('#')) throw new Error(`${where}: unexpected text '${rest}' after a quoted string.`);
    const body = text.slice(1, closing);
    if (quote === '"') return foldDoubleQuoted(body, where);
    return foldFlowLines(splitLines(body)).replaceAll("''", "'");
  }
  const withoutComment = text.replace(/(?:^|[ \t])#[^]*$/, '');
  const { lines, breaks } = splitLines(withoutComment);
  return resolvePlain(foldFlowLines({ lines: lines.map((line) => line.trim()), breaks }).trim());
}
