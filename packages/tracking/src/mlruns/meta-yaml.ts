import { emitYamlValue, parseYamlScalar, YAML_LINE_BREAK, type YamlValue } from './yaml-scalar.js';

/** The top-level mapping of an MLflow `meta.yaml`. */
export type MetaYaml = Record<string, YamlValue>;

/**
 * Writes a flat mapping as MLflow does (`yaml.safe_dump(..., default_flow_style=False)`): one
 * `key: value` line per entry, keys sorted.
 *
 * @param entries - The mapping; values are null, safe integers, strings or `[]`.
 * @param file - The file being written, named in errors.
 */
export function emitMetaYaml(entries: MetaYaml, file: string): string {
  return Object.keys(entries)
    .sort()
    .map((key) => `${key}: ${emitYamlValue(entries[key] ?? null, `${file}: key '${key}'`)}\n`)
    .join('');
}

const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_]*):(?:[ \t]+([^]*)|[ \t]*)$/;

/**
 * Reads a flat `meta.yaml` (the subset MLflow writes): top-level `key: value` lines whose values
 * may continue on indented lines, `key: []`, block lists of scalars (`- item`), comments and
 * document markers.
 *
 * @param text - The file's content.
 * @param file - The file's path, named in errors.
 * @returns The mapping.
 * @throws Error naming the file and line for anything outside that subset, or a repeated key.
 */
export function parseMetaYaml(text: string, file: string): MetaYaml {
  const entries: MetaYaml = {};
  const parts = text.replace(/^\uFEFF/, '').split(new RegExp(`(${YAML_LINE_BREAK.source})`));
  const lines = parts.filter((_, position) => position % 2 === 0);
  const breaks = parts.filter((_, position) => position % 2 === 1);
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? '';
    if (/^\s*(?:#.*)?$/.test(line) || line === '---' || line === '...') {
      index += 1;
      continue;
    }
    const match = KEY_LINE.exec(line);
    if (!match) throw new Error(`${file}:${index + 1}: expected 'key: value', got '${line}'.`);
    const key = match[1] ?? '';
    if (key in entries) throw new Error(`${file}:${index + 1}: key '${key}' appears twice.`);
    let rawValue = match[2] ?? '';
    index += 1;
    while (index < lines.length && /^(?:[ \t]|$)/.test(lines[index] ?? '') && !isLastBlankRun(lines, index)) {
      rawValue += (breaks[index - 1] ?? '\n') + (lines[index] ?? '');
      index += 1;
    }
    const items: YamlValue[] = [];
    while (index < lines.length && /^- |^-$/.test(lines[index] ?? '')) {
      items.push(parseYamlScalar((lines[index] ?? '').slice(1), `${file}:${index + 1}: '${key}' item`));
      index += 1;
    }
    const where = `${file}: key '${key}'`;
    if (items.length > 0) {
      if (rawValue.trim() !== '') throw new Error(`${where}: a value and list items at once.`);
      entries[key] = items;
    } else {
      entries[key] = parseYamlScalar(rawValue, where);
    }
  }
  return entries;
}

/** True when every line from `index` on is blank: trailing blank lines end the document, not a value. */
function isLastBlankRun(lines: readonly string[], index: number): boolean {
  return lines.slice(index).every((line) => line.trim() === '');
}
