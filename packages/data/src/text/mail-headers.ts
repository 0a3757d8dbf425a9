/** A mail message (or one MIME part) cut at its first blank line. */
export interface MailEntity {
  /** Header fields by lower-cased name; the first occurrence of a name wins; folded lines unfolded. */
  readonly headers: ReadonlyMap<string, string>;
  /** Everything after the first blank line, as it is. */
  readonly body: string;
}

/** Where the header block ends: the first empty line (`\n\n` or `\r\n\r\n`). */
const BLANK_LINE = /\r?\n\r?\n/;

/**
 * Cuts a message at its first blank line: the header block is everything before it, the body
 * everything after it. A message without a blank line is all headers (empty body); one that starts
 * with an empty line has no headers. Header fields are `name: value` lines, continued by lines that
 * start with a space or a tab (unfolded into one line); a line that is not a field (an mbox `From `
 * line) is ignored.
 */
export function splitMailEntity(raw: string): MailEntity {
  let headerText: string;
  let body: string;
  if (raw.startsWith('\n') || raw.startsWith('\r\n')) {
    headerText = '';
    body = raw.slice(raw.indexOf('\n') + 1);
  } else {
    const match = BLANK_LINE.exec(raw);
    headerText = match === null ? raw : raw.slice(0, match.index);
    body = match === null ? '' : raw.slice(match.index + match[0].length);
  }
  return { headers: parseHeaderFields(headerText), body };
}

/** Parses a header block into fields (see {@link splitMailEntity}). */
export function parseHeaderFields(headerText: string): Map<string, string> {
  const fields = new Map<string, string>();
  let current: [string, string] | undefined;
  const flush = (): void => {
    if (current !== undefined && !fields.has(current[0])) fields.set(current[0], current[1].trim());
    current = undefined;
  };
  for (const line of headerText.split(/\r?\n/)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && current !== undefined) {
      current[1] += ` ${line.trim()}`;
      continue;
    }
    flush();
    const field = /^([!-9;-~]+):(.*)$/.exec(line);
    if (field !== null) current = [(field[1] as string).toLowerCase(), field[2] as string];
  }
  flush();
  return fields;
}

/** A parsed `Content-Type` header. */
export interface ContentType {
  /** `type/subtype`, lower-cased; `text/plain` when the header is missing or malformed. */
  readonly mediaType: string;
  /** Parameters by lower-cased name (`boundary`, `charset`), unquoted. */
  readonly parameters: ReadonlyMap<string, string>;
}

/** Parses a `Content-Type` value (`text/html; charset="iso-8859-1"`); `undefined` means `text/plain`. */
export function parseContentType(value: string | undefined): ContentType {
  const parameters = new Map<string, string>();
  if (value === undefined) return { mediaType: 'text/plain', parameters };
  const type = /^\s*([a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+)/i.exec(value);
  const parameterPattern = /;\s*([a-z0-9_*.-]+)\s*=\s*(?:"([^"]*)"|([^;\s]+))/gi;
  for (let match = parameterPattern.exec(value); match !== null; match = parameterPattern.exec(value)) {
    const name = (match[1] as string).toLowerCase();
    if (!parameters.has(name)) parameters.set(name, match[2] ?? match[3] ?? '');
  }
  return { mediaType: type === null ? 'text/plain' : (type[1] as string).toLowerCase(), parameters };
}
