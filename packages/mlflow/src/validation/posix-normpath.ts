/** `posixpath.normpath` as Python has it, which MLflow uses to decide whether a key is path-like. */
export function posixNormpath(path: string): string {
  if (path === '') return '.';
  const leadingSlashes = path.startsWith('//') && !path.startsWith('///') ? 2 : path.startsWith('/') ? 1 : 0;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    const last = parts[parts.length - 1];
    if (part !== '..' || (leadingSlashes === 0 && parts.length === 0) || last === '..') parts.push(part);
    else if (parts.length > 0) parts.pop();
  }
  const joined = '/'.repeat(leadingSlashes) + parts.join('/');
  return joined === '' ? '.' : joined;
}
