/** Replaces the user info of a URI (`https://user:secret@host`) with `***`, so the URI can be printed. */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1***@');
}
