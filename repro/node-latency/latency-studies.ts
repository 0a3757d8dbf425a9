// What the Node-latency peer times for each study it serves (`--study`): the architectures, the test
// examples they are timed on, the storages, and where the results go.
import { splitSchema, type SplitFractions } from '@kdlab/core';
import { SPAM_DATA } from '../../experiments/repro/distilbert-setting.js';
import { COMPRESSION_LATENCY, SPAM_LATENCY, type LatencySetting, type WeightsStorage } from '../latency/save-architectures.js';

/** One study's Node-latency measurement. */
export interface NodeLatencyStudy {
  /** The architectures and what they take. */
  setting: LatencySetting;
  /** The dataset plugin the test examples come from, split as the study trains (split seed 0). */
  dataset: string;
  /** Its split. */
  split: SplitFractions;
  /** The storages each architecture is saved in and loaded back from. */
  variants: readonly WeightsStorage[];
  /** Test examples timed in batches, by default (fewer when the test split is smaller). */
  samples: number;
  /** The results file, relative to the repository root, by default. */
  out: string;
}

/** The studies the peer serves, by `--study` id. */
export const NODE_LATENCY_STUDIES = {
  /** The compression study: the CNN teacher and thin-deep student, float32, uint8 and float16 files, on MNIST test digits. */
  compression: { setting: COMPRESSION_LATENCY, dataset: 'mnist', split: splitSchema.parse({}), variants: ['float32', 'uint8', 'float16'], samples: 1000, out: 'repro/store/node-latency/compression.json' },
  /** The DistilBERT-style study: the 4-layer transformer teacher and 2-layer student, float32 files, on tokenized SpamAssassin test messages. */
  'distilbert-spam': { setting: SPAM_LATENCY, dataset: SPAM_DATA.dataset, split: SPAM_DATA.split, variants: ['float32'], samples: 1000, out: 'repro/store/node-latency/distilbert-spam.json' },
} as const satisfies Record<string, NodeLatencyStudy>;

/** A study id `--study` takes. */
export type NodeLatencyStudyId = keyof typeof NODE_LATENCY_STUDIES;

/** The study of a `--study` id; throws listing the ids otherwise. */
export function nodeLatencyStudy(id: string): NodeLatencyStudy & { id: NodeLatencyStudyId } {
  if (!Object.hasOwn(NODE_LATENCY_STUDIES, id)) throw new Error(`--study ${id}: give one of ${Object.keys(NODE_LATENCY_STUDIES).join(', ')}.`);
  const study = id as NodeLatencyStudyId;
  return { id: study, ...NODE_LATENCY_STUDIES[study] };
}
