import { afterEach, describe, expect, it } from 'vitest';
import { withoutSourceMaps } from '../../src/engine/backend/native/without-source-maps.js';

describe('withoutSourceMaps', () => {
  const before = process.sourceMapsEnabled;
  const nodeOptions = process.env['NODE_OPTIONS'];
  afterEach(() => {
    process.setSourceMapsEnabled(before);
    if (nodeOptions === undefined) delete process.env['NODE_OPTIONS'];
    else process.env['NODE_OPTIONS'] = nodeOptions;
  });

  it('turns source maps off while loading when tsx turned them on, and back on after, also when loading throws', () => {
    delete process.env['NODE_OPTIONS'];
    process.setSourceMapsEnabled(true);
    expect(withoutSourceMaps(() => process.sourceMapsEnabled)).toBe(false);
    expect(process.sourceMapsEnabled).toBe(true);
    expect(() =>
      withoutSourceMaps(() => {
        throw new Error('load failed');
      }),
    ).toThrow('load failed');
    expect(process.sourceMapsEnabled).toBe(true);
  });

  it('leaves them alone when they are off, or when the user asked for them', () => {
    process.setSourceMapsEnabled(false);
    expect(withoutSourceMaps(() => process.sourceMapsEnabled)).toBe(false);
    expect(process.sourceMapsEnabled).toBe(false);
    process.setSourceMapsEnabled(true);
    process.env['NODE_OPTIONS'] = '--max-old-space-size=4096 --enable-source-maps';
    expect(withoutSourceMaps(() => process.sourceMapsEnabled)).toBe(true);
    expect(process.sourceMapsEnabled).toBe(true);
  });
});
