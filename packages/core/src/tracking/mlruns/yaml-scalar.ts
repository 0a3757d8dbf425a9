/** A value a flat MLflow `meta.yaml` holds: a scalar, or an (empty) list such as `tags: []`. */
export type YamlValue = string | number | boolean | null | YamlValue[];

/** Plain words that YAML 1.1, as PyYAML reads it, resolves to null or a boolean rather than a string. */
const NON_STRING_WORDS = /^(?:null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;

/**
 * A plain scalar is written only when it starts with a letter, `_` or `/` (so never a number,
 * date, `.inf` or indicator) and holds no `: `, ` #`, tab or line break, nor ends in a space or `:`.
 */
const PLAIN_SAFE_START = /^[\p{L}_/]/u;
const PLAIN_UNSAFE_INSIDE = /: |:$| #|\s$|[\t\n\r]/;

/**
 * Characters YAML allows unescaped (its `c-printable` set), minus what PyYAML treats as a line
 * break (`\n`, `\r`, U+0085, U+2028, U+2029) and the byte-order mark.
 */
const PRINTABLE_SINGLE_LINE = /^[\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/**
 * Writes a string as a YAML scalar that PyYAML (and {@link parseYamlScalar}) reads back as the
 * same string: plain when that is unambiguous, single-quoted when printable on one line, else
 * double-quoted with escapes.
 *
 * @param text - The string to write.
 */
export function emitYamlString(text: string): string {
  const plainIsSafe =
    PLAIN_SAFE_START.test(text) && !PLAIN_UNSAFE_INSIDE.test(text) && !NON_STRING_WORDS.test(text);
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
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) escaped += `\\x${code.toString(16).padStart(2, '0')}`;
    else if ((code >= 0xd800 && code <= 0xdfff) || code === 0xfeff || code === 0xfffe || code === 0xffff) escaped += `\\u${code.toString(16).padStart(4, '0')}`;
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

/**
 * Folds the lines of a multi-line flow scalar as YAML does: one line break becomes a space,
 * and each further empty line keeps a newline. Lines are trimmed, except the outer edges.
 */
function foldFlowLines(lines: readonly string[]): string {
  let folded = '';
  let pendingBreaks = 0;
  lines.forEach((line, index) => {
    const isFirst = index === 0;
    const isLast = index === lines.length - 1;
    let content = isFirst ? line : line.replace(/^[ \t]+/, '');
    if (!isLast) content = content.replace(/[ \t]+$/, '');
    if (!isFirst && content === '' && !isLast) {
      pendingBreaks += 1;
      return;
    }
    if (!isFirst) folded += pendingBreaks > 0 ? '\n'.repeat(pendingBreaks) : ' ';
    pendingBreaks = 0;
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

/** Splits a double-quoted body into lines, joining lines whose break is escaped with a final `\`. */
function foldDoubleQuoted(body: string, where: string): string {
  const lines = body.split('\n');
  const joined: string[] = [];
  let carry: string | undefined;
  for (const line of lines) {
    const current = carry === undefined ? line : carry + line.replace(/^[ \t]+/, '');
    carry = undefined;
    const trailingBackslashes = /\\*$/.exec(current)?.[0].length ?? 0;
    if (trailingBackslashes % 2 === 1 && joined.length + 1 < lines.length) carry = current.slice(0, -1);
    else joined.push(current);
  }
  if (carry !== undefined) joined.push(carry);
  return unescapeDoubleQuoted(foldFlowLines(joined), where);
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
  if (/^(?:~|null|Null|NULL|)$/.test(text)) return null;
  if (/^(?:y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(text)) return true;
  if (/^(?:n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/.test(text)) return false;
  if (/^[-+]?(?:0|[1-9][0-9_]*)$/.test(text)) return Number(text.replaceAll('_', ''));
  if (/^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?$/.test(text) && /[0-9]/.test(text)) {
    return Number(text.replaceAll('_', ''));
  }
  if (text === '[]') return [];
  return text;
}

/**
 * Reads one scalar value of a flat `meta.yaml` as PyYAML's safe loader would: plain scalars
 * resolved to null, booleans, integers and floats by YAML 1.1's rules, single- and double-quoted
 * strings (with folding across lines and escapes), and the empty list `[]`.
 *
 * @param raw - The value's text: the rest of its key's line, then any continuation lines, joined by `\n`.
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
    return foldFlowLines(body.split('\n')).replaceAll("''", "'");
  }
  const withoutComment = text.replace(/(?:^|[ \t])#.*$/s, '');
  const lines = withoutComment.split('\n').map((line) => line.trim());
  return resolvePlain(foldFlowLines(lines).trim());
}
