/**
 * Normalises text before it is cut into words: Unicode NFKC, then lower case, then format
 * characters (`\p{Cf}`: zero-width spaces, soft hyphens, direction marks) and control characters
 * other than whitespace removed.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\p{Cf}|(?![\t\n\v\f\r])\p{Cc}/gu, '');
}

/**
 * One word of {@link preTokenize}: a punctuation or symbol character alone, a Han character alone, or
 * a run of anything else that is not whitespace (letters, digits, marks).
 */
const WORD = /[\p{P}\p{S}]|\p{Script=Han}|[^\s\p{P}\p{S}\p{Script=Han}]+/gu;

/**
 * Cuts normalised text into words, as BERT's basic tokenizer does: split on whitespace, then every
 * punctuation or symbol character (Unicode categories P and S: `.`, `,`, `$`, `<`, `@`, `'`, ...) is a word
 * of its own, and so is every Han character; the runs between them (letters, digits and marks) are
 * words. `"you've won $1,000!"` gives `you ' ve won $ 1 , 000 !`.
 *
 * @returns the words, in order, lazily (a caller that needs only the first words stops early).
 */
export function* preTokenize(normalized: string): Generator<string> {
  for (const match of normalized.matchAll(WORD)) yield match[0];
}
