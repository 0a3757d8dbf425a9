import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { allLossDocumentation, allLosses, formatLiteral, lossDocPages, renderOptionsTable } from '../src/index.js';

const docsDirectory = new URL('../../../docs/losses/', import.meta.url);
const regenerate = 'npx tsx --conditions=@kdlab/source scripts/generate-loss-docs.ts';

describe('loss documentation (docs/losses)', () => {
  it('documents every loss of allLosses once, in the same order, with an example its schema accepts', () => {
    expect(allLossDocumentation.map((entry) => entry.loss)).toEqual([...allLosses]);
    for (const entry of allLossDocumentation) {
      const parsed = entry.loss.options.safeParse(entry.example);
      expect(parsed.success, `${entry.loss.id}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      expect(entry.formula.length, entry.loss.id).toBeGreaterThan(0);
    }
  });

  describe(`has every page up to date with the code (else run: ${regenerate})`, () => {
    for (const page of lossDocPages(allLossDocumentation)) {
      it(page.path, () => {
        let current: string | undefined;
        try {
          current = readFileSync(new URL(page.path, docsDirectory), 'utf8');
        } catch {
          current = undefined;
        }
        expect(current, `docs/losses/${page.path} is ${current === undefined ? 'missing' : 'out of date'}: run ${regenerate}`).toBe(page.content);
      });
    }
  });

  it('has no page that no loss generates', () => {
    const generated = new Set(lossDocPages(allLossDocumentation).map((page) => page.path));
    const stray = readdirSync(docsDirectory).filter((file) => file.endsWith('.md') && !generated.has(file));
    expect(stray, `stray pages in docs/losses: run ${regenerate}`).toEqual([]);
  });

  it('reads option types, bounds, defaults and descriptions from the zod schema', () => {
    const schema = z.strictObject({
      student: z.string().min(1).describe('The student tap.'),
      temperature: z.number().positive().default(4).describe('Softmax temperature | T.'),
      degree: z.number().int().min(1).max(5).default(2).describe('Kernel degree.'),
      mode: z.enum(['code', 'paper']).default('code').describe('Which formula.'),
      pairs: z.array(z.strictObject({ student: z.string(), teacher: z.string() })).min(1).describe('Tap pairs.'),
    });
    expect(renderOptionsTable(schema)).toEqual([
      '| option | type | default | valid | meaning |',
      '|---|---|---|---|---|',
      '| `student` | `string` | required | non-empty | The student tap. |',
      '| `temperature` | `number` | `4` | > 0 | Softmax temperature \\| T. |',
      '| `degree` | `integer` | `2` | whole, ≥ 1, ≤ 5 | Kernel degree. |',
      "| `mode` | `'code' \\| 'paper'` | `'code'` | one of these | Which formula. |",
      '| `pairs` | `{ student, teacher }[]` | required | at least 1 | Tap pairs. |',
    ]);
    expect(renderOptionsTable(z.strictObject({}))).toEqual(['No options.']);
  });

  it('writes example options as TypeScript literals', () => {
    expect(formatLiteral({ pairs: [{ student: 'b2', teacher: "t'2" }], weight: 1000, on: true })).toBe("{ pairs: [{ student: 'b2', teacher: 't\\'2' }], weight: 1000, on: true }");
  });
});
