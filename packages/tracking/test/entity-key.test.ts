import { describe, expect, it } from 'vitest';
import { assertValidEntityKey, entityKeyProblem } from '../src/mlruns/entity-key.js';

describe('MLflow key validation', () => {
  it.each(['lr', 'train/loss', 'train/loss/hinton', 'model.width', 'a-b_c d', 'température', '日本', 'x'.repeat(250)])(
    'accepts %s',
    (key) => expect(entityKeyProblem('metric', key)).toBeUndefined(),
  );

  it.each([
    ['', 'empty'],
    ['x'.repeat(251), 'more than 250'],
    ['a:b', "character other than"],
    ['a\\b', 'character other than'],
    ['a\tb', 'character other than'],
    ['/abs', 'path-like'],
    ['../up', 'path-like'],
    ['..a', 'path-like'],
    ['a//b', 'path-like'],
    ['a/./b', 'path-like'],
    ['a/../b', 'path-like'],
    ['a/', 'path-like'],
    ['.', 'path-like'],
  ])('rejects %j (%s)', (key, reason) => {
    expect(entityKeyProblem('param', key)).toContain(reason);
    expect(() => assertValidEntityKey('param', key)).toThrow(/^Invalid param key/);
  });

  it('counts length in characters as Python does, not UTF-16 units', () => {
    // U+1D49C (a letter outside the BMP) is two UTF-16 units but one Python character.
    expect(entityKeyProblem('tag', '\u{1D49C}'.repeat(250))).toBeUndefined();
    expect(entityKeyProblem('tag', '\u{1D49C}'.repeat(251))).toContain('251 characters');
    expect(entityKeyProblem('tag', 'a😀')).toContain('character other than');
  });
});
