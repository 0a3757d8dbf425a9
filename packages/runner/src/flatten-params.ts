/**
 * Flattens a resolved config into MLflow params: nested objects become dotted keys
 * (`train.optimizer.learningRate`), lists of objects are indexed (`losses.1.temperature`), lists of
 * plain values are kept whole as JSON (`student.model.hidden` = `[800,800]`), every value a string.
 * The keys are the same paths `--set` and sweeps use.
 */
export function flattenParams(config: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (value: unknown, path: string): void => {
    if (value === undefined) return;
    if (Array.isArray(value) && value.some((item) => typeof item === 'object' && item !== null)) {
      value.forEach((item, i) => visit(item, path ? `${path}.${i}` : String(i)));
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) visit(inner, path ? `${path}.${key}` : key);
    } else {
      out[path] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  };
  visit(config, prefix);
  return out;
}
