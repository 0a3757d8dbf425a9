// `@kdlab/students/browser` is what `kdlab export` bundles into its page so that saved models load
// there: it must register every custom layer class the package registers, and import nothing that
// needs Node.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

const source = fileURLToPath(new URL('../src', import.meta.url));

function typeScriptFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? typeScriptFiles(join(folder, entry.name)) : entry.name.endsWith('.ts') ? [join(folder, entry.name)] : [],
  );
}

describe('the browser entry of @kdlab/students', () => {
  it('exports every module that registers a layer class with tf.serialization (add new ones to src/browser.ts)', () => {
    const registering = typeScriptFiles(source)
      .filter((file) => /^tf\.serialization\.registerClass\(/m.test(readFileSync(file, 'utf8')))
      .map((file) => `./${relative(source, file).replace(/\.ts$/, '.js')}`)
      .sort();
    expect(registering.length).toBeGreaterThanOrEqual(5);
    const exported = [...readFileSync(join(source, 'browser.ts'), 'utf8').matchAll(/^export \* from '([^']+)';$/gm)].map((match) => match[1]);
    expect(registering.filter((module) => !exported.includes(module))).toEqual([]);
  });

  it('registers the layer classes on import, and its layer modules import no Node built-ins', async () => {
    const entry = await import('@kdlab/students/browser');
    for (const name of ['SeededDropout', 'MultiHeadSelfAttention', 'LearnedPositionEmbedding', 'ClassToken', 'FirstToken', 'PaddingMask', 'MaskedMeanPooling']) {
      expect(name in entry).toBe(true);
      expect(tf.serialization.SerializationMap.getMap().classNameMap[name]).toBeDefined();
    }
    for (const file of typeScriptFiles(join(source, 'layers'))) {
      const text = readFileSync(file, 'utf8');
      if (!/^tf\.serialization\.registerClass\(/m.test(text)) continue;
      expect(text, file).not.toMatch(/from 'node:/);
    }
  });
});
