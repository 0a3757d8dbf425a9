/** Parses a `--set` value: JSON when it parses (`4`, `true`, `[800,800]`, `"x"`), the raw text otherwise. */
export function parseOverrideValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Applies `path=value` overrides (`train.epochs=2`, `losses.1.temperature=8`) to a deep copy of an
 * experiment. Array elements are addressed by index; missing objects on the way are created.
 * Throws naming the override when it is malformed or walks through a value that is not an object.
 */
export function applyOverrides<T>(experiment: T, overrides: readonly string[]): T {
  const copy = structuredClone(experiment) as unknown;
  for (const override of overrides) {
    const eq = override.indexOf('=');
    if (eq <= 0) throw new Error(`--set "${override}": expected path=value, e.g. train.epochs=2.`);
    const path = override.slice(0, eq).split('.');
    if (path.some((part) => part === '')) throw new Error(`--set "${override}": the path has an empty part.`);
    const value = parseOverrideValue(override.slice(eq + 1));
    let node = copy as Record<string, unknown>;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      if (Array.isArray(node) && !/^\d+$/.test(part)) {
        throw new Error(`--set "${override}": "${path.slice(0, i).join('.')}" is a list; "${part}" is not an index.`);
      }
      if (last) {
        node[part] = value;
        return;
      }
      const next = node[part];
      if (next === undefined) node[part] = {};
      else if (typeof next !== 'object' || next === null) {
        throw new Error(`--set "${override}": "${path.slice(0, i + 1).join('.')}" is ${JSON.stringify(next)}, not an object or list.`);
      }
      node = node[part] as Record<string, unknown>;
    });
  }
  return copy as T;
}
