import { describe, expect, it } from 'vitest';
import { emitMetaYaml, parseMetaYaml } from '../src/mlruns/meta-yaml.js';
import { emitYamlString } from '../src/mlruns/yaml-scalar.js';

describe('emitYamlString', () => {
  // Expected forms are what PyYAML 6's safe_dump writes for the same strings.
  it.each([
    ['Default', 'Default'],
    ['demo sweep', 'demo sweep'],
    ['file:///tmp/my runs/0', 'file:///tmp/my runs/0'],
    ["it's", "it's"],
    ['héllo 日本', 'héllo 日本'],
    ['1e3', '1e3'],
    ['-a', '-a'],
    ['0', "'0'"],
    ['1.5', "'1.5'"],
    ['yes', "'yes'"],
    ['null', "'null'"],
    ['', "''"],
    ['2024-01-05', "'2024-01-05'"],
    ['0x1F', "'0x1F'"],
    ['.inf', "'.inf'"],
    ['a: b', "'a: b'"],
    ['a #b', "'a #b'"],
    [' lead', "' lead'"],
    ['*star', "'*star'"],
    ['- x', "'- x'"],
    ['reference: "quoted" name', `'reference: "quoted" name'`],
    ["'q'", "'''q'''"],
    ['a\tb', '"a\\tb"'],
    ['a\x01b', '"a\\x01b"'],
    ['a\nb', '"a\\nb"'],
    ['\ufeffbom', '"\\uFEFFbom"'],
  ])('writes %j as %s', (text, expected) => {
    expect(emitYamlString(text)).toBe(expected);
  });
});

describe('parseMetaYaml', () => {
  it('reads what PyYAML writes, folded long lines and escapes included', () => {
    // Written by PyYAML 6 safe_dump(default_flow_style=False, allow_unicode=True).
    const pyyaml = [
      "a_long: 'word word word word word word word word word word word word word word word",
      "  word word word word word word word word word word word word word word word '",
      "b_multi: 'a",
      '',
      '',
      "  b'",
      "c_ls: '\u2028  x'",
      'd_ctrl: "a\\x01b"',
      'e_tab: "a\\tb"',
      "f_num: '0'",
      "g_yes: 'yes'",
      "h_colon: 'a: b'",
      "i_quote: it's",
      'j_null: null',
      'k_int: 1700000000000',
      'l_list: []',
      'm_unicode: héllo 日本',
      "n_date: '2024-01-05'",
      "o_float: '1.5'",
      'p_sci: 1e3',
      'q_long_dq: "\\x01 word word word word word word word word word word word word word\\',
      '  \\ word word word word word word word word word word word word "',
      '',
    ].join('\n');
    expect(parseMetaYaml(pyyaml, 'meta.yaml')).toEqual({
      a_long: 'word '.repeat(30),
      b_multi: 'a\n\nb',
      c_ls: '\u2028x',
      d_ctrl: 'a\x01b',
      e_tab: 'a\tb',
      f_num: '0',
      g_yes: 'yes',
      h_colon: 'a: b',
      i_quote: "it's",
      j_null: null,
      k_int: 1700000000000,
      l_list: [],
      m_unicode: 'héllo 日本',
      n_date: '2024-01-05',
      o_float: '1.5',
      p_sci: '1e3',
      q_long_dq: `\x01 ${'word '.repeat(25)}`,
    });
  });

  it('resolves plain scalars by YAML 1.1 rules', () => {
    const parsed = parseMetaYaml('a: 3\nb: yes\nc: ~\nd: 1.5\ne: -7\nf: 0x10\ng: plain text\nh:\n', 'm');
    expect(parsed).toEqual({ a: 3, b: true, c: null, d: 1.5, e: -7, f: 16, g: 'plain text', h: null });
  });

  it('reads back everything it writes, keys sorted', () => {
    const entries = { z: 'last', a: "it's: 'x'", m: null, n: 42, l: [], t: 'tab\there', u: 'line\nbreak', w: '  spaced  ', v: '\u2028\x85' };
    const text = emitMetaYaml(entries, 'm');
    expect(text.split('\n')[0]).toBe(`a: 'it''s: ''x'''`);
    expect(Object.keys(parseMetaYaml(text, 'm'))).toEqual(['a', 'l', 'm', 'n', 't', 'u', 'v', 'w', 'z']);
    expect(parseMetaYaml(text, 'm')).toEqual(entries);
  });

  it('names the file and line of what it cannot read', () => {
    expect(() => parseMetaYaml('a: 1\n  - nested: x\nbad line\n', 'exp/meta.yaml')).toThrow(/exp\/meta.yaml:3: expected 'key: value'/);
    expect(() => parseMetaYaml("a: 'open\n", 'f.yaml')).toThrow(/f.yaml: key 'a': unterminated single-quoted/);
    expect(() => parseMetaYaml('a: 1\na: 2\n', 'f.yaml')).toThrow(/key 'a' appears twice/);
  });

  it('refuses to write what it cannot represent', () => {
    expect(() => emitMetaYaml({ x: 1.5 }, 'f.yaml')).toThrow(/f.yaml: key 'x': cannot write 1.5/);
  });
});
