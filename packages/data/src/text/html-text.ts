/** The named character references {@link htmlToText} decodes; others are left as written. */
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  bull: '•',
  middot: '·',
  euro: '€',
  pound: '£',
  cent: '¢',
  yen: '¥',
};

/** A code point from a numeric character reference, or U+FFFD when it is not a valid scalar value. */
function codePoint(value: number): string {
  return Number.isInteger(value) && value > 0 && value <= 0x10ffff && !(value >= 0xd800 && value <= 0xdfff) ? String.fromCodePoint(value) : '\uFFFD';
}

/**
 * The text of an HTML body, simply: comments and `<script>` and `<style>` elements are removed with
 * their content (when they are closed: an unclosed one loses only its tag, as spam often leaves
 * them open), every other tag becomes a space (so a `<title>` keeps its text), then character
 * references are decoded:
 * numeric ones (`&#233;`, `&#xE9;`) and the common named ones (`&nbsp;` as a space, `&amp;`, `&lt;`,
 * `&gt;`, `&quot;`, `&apos;`, typographic quotes and dashes, a few symbols); other named references
 * stay as written. No HTML parser: unbalanced markup is handled as well as these patterns allow.
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<\/?[a-z!?][^>]*>/gi, ' ')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*);/gi, (reference: string, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return codePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return codePoint(Number.parseInt(name.slice(1), 10));
      return NAMED_ENTITIES[name.toLowerCase()] ?? reference;
    });
}
