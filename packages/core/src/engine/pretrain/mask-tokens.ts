import type { TokenVocabulary } from '../../data/token-vocabulary.js';

/** How masked-language-model pre-training hides tokens (BERT's rule: 15%, then 80 / 10 / 10). */
export interface MaskingRule {
  /** Each eligible token is chosen for prediction with this probability (BERT: 0.15). */
  readonly maskRate: number;
  /** A chosen token is replaced by `[MASK]` with this probability (BERT: 0.8). */
  readonly maskTokenRate: number;
  /** A chosen token is replaced by a random regular token with this probability (BERT: 0.1); otherwise it stays. */
  readonly randomTokenRate: number;
}

/** A vocabulary prepared for masking: which ids may be chosen, and which may replace a chosen one. */
export interface MaskingVocabulary {
  /** The `[MASK]` id. */
  readonly maskId: number;
  /** Whether each id, `[0, vocabSize)`, may be chosen (not `[PAD]`, `[CLS]`, `[SEP]` or `[MASK]`; `[UNK]` may). */
  readonly eligible: Uint8Array;
  /** The ids a random replacement is drawn from, uniformly: the eligible ones. */
  readonly regularIds: Int32Array;
}

/** A batch with some tokens hidden, and what the model must predict there. */
export interface MaskedBatch {
  /** The ids the model reads (the batch's, with the chosen positions replaced), as float32 like the dataset's. */
  readonly input: Float32Array;
  /** The chosen positions, as flat indices `row * sequenceLength + position`, ascending. */
  readonly positions: Int32Array;
  /** The original id at each chosen position. */
  readonly targets: Int32Array;
}

/**
 * Prepares a dataset's vocabulary for {@link maskTokens}: the special tokens `[PAD]`, `[CLS]`, `[SEP]`
 * and `[MASK]` are never chosen nor drawn as replacements (BERT never masks them); every other id,
 * `[UNK]` included, is.
 *
 * @param vocabulary - the dataset's vocabulary size and special ids.
 * @throws Error when no id is left to choose.
 */
export function maskingVocabulary(vocabulary: TokenVocabulary): MaskingVocabulary {
  const { vocabSize, specialTokenIds: ids } = vocabulary;
  const eligible = new Uint8Array(vocabSize).fill(1);
  for (const id of [ids.pad, ids.mask, ids.cls, ids.sep]) if (id !== undefined) eligible[id] = 0;
  const regularIds = Int32Array.from(Array.from(eligible.keys()).filter((id) => eligible[id] === 1));
  if (regularIds.length === 0) throw new Error(`masked-language modelling: the vocabulary of ${vocabSize} ids has no regular token (all are special).`);
  return { maskId: ids.mask, eligible, regularIds };
}

/**
 * Hides tokens of a batch of id rows by BERT's rule (Devlin et al. 2019, as Hugging Face's
 * `DataCollatorForLanguageModeling` does it): each eligible token (see {@link maskingVocabulary}) is
 * chosen with probability `maskRate`; a chosen token becomes `[MASK]` with probability
 * `maskTokenRate`, else a random regular token (uniform) with probability `randomTokenRate`, else
 * stays itself. A batch in which no token was chosen but some are eligible gets one, drawn uniformly,
 * so that every step has something to predict. Ids are read as the embedding reads them (truncated
 * to integers). Deterministic: the same rows and the same generator give the same batch.
 *
 * @param ids - `rows * sequenceLength` ids, row-major (a batch of a token dataset's `x`).
 * @param sequenceLength - ids per row.
 * @param rule - the rates.
 * @param vocabulary - from {@link maskingVocabulary}.
 * @param random - uniform numbers in `[0, 1)` (a seeded generator).
 */
export function maskTokens(ids: Float32Array, sequenceLength: number, rule: MaskingRule, vocabulary: MaskingVocabulary, random: () => number): MaskedBatch {
  if (!Number.isSafeInteger(sequenceLength) || sequenceLength < 1 || ids.length % sequenceLength !== 0) {
    throw new Error(`maskTokens: ${ids.length} ids are not whole rows of ${sequenceLength}.`);
  }
  const input = Float32Array.from(ids);
  const positions: number[] = [];
  const targets: number[] = [];
  const eligible: number[] = [];
  const isEligible = (id: number) => id >= 0 && id < vocabulary.eligible.length && vocabulary.eligible[id] === 1;
  for (let index = 0; index < ids.length; index += 1) {
    const id = Math.trunc(ids[index]!);
    if (!isEligible(id)) continue;
    eligible.push(index);
    if (random() < rule.maskRate) positions.push(index);
  }
  if (positions.length === 0 && eligible.length > 0) positions.push(eligible[Math.min(eligible.length - 1, Math.floor(random() * eligible.length))]!);
  const { regularIds } = vocabulary;
  for (const index of positions) {
    targets.push(Math.trunc(ids[index]!));
    const draw = random();
    if (draw < rule.maskTokenRate) input[index] = vocabulary.maskId;
    else if (draw < rule.maskTokenRate + rule.randomTokenRate) input[index] = regularIds[Math.min(regularIds.length - 1, Math.floor(random() * regularIds.length))]!;
  }
  return { input, positions: Int32Array.from(positions), targets: Int32Array.from(targets) };
}
