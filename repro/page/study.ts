import type { StoredRun, TableSpec } from '@kdlab/report';
import type { TopLevelSpec } from 'vega-lite';
import type { StudyRuns } from './study-runs.js';

/** How far a study reproduced the published effect. */
export type VerdictLevel = 'reproduced' | 'partly reproduced' | 'not reproduced' | 'incomplete' | 'not run yet';

/** A study's verdict: its level and, in words, what was seen and by which criterion. */
export interface Verdict {
  /** The level. */
  level: VerdictLevel;
  /** What was seen, against the paper's claim, and the criterion applied (Markdown). */
  text: string;
}

/** One published number, to set beside kdlab's. */
export interface PublishedNumber {
  /** What it measures, e.g. `teacher, test errors`. */
  quantity: string;
  /** The paper's value, as the paper gives it (`67`, `47.3%`). */
  value: string;
  /** Where it comes from, e.g. `Hinton et al. 2015, section 3`. */
  source: string;
}

/** A plot of a study: a Vega-Lite spec with inline data, written as an SVG file beside the page. */
export interface StudyPlot {
  /** A file-name-safe name, unique within the study (`errors`, `best-temperature`). */
  name: string;
  /** The alt text / caption. */
  caption: string;
  /** The spec. */
  spec: TopLevelSpec;
}

/** What a study's analysis makes of its runs. */
export interface StudyAnalysis {
  /** The tables, in page order. */
  tables: TableSpec[];
  /** The plots. */
  plots: StudyPlot[];
  /** The verdict. */
  verdict: Verdict;
  /** Further observations (Markdown paragraphs), e.g. the sensitivity seen, or the twin's agreement. */
  notes: string[];
}

/** A peer outside kdlab that a study also runs, e.g. the PyTorch twin. */
export interface PeerRun {
  /** Its name in {@link StudyRuns.peers}, e.g. `pytorch-twin/hinton-mnist-full`. */
  name: string;
  /** The command, run from the repository root (resumable: finished runs are kept). */
  command: readonly string[];
  /** Its results file, relative to the study store. */
  results: string;
}

/** One study of the results page: what it asks, which experiment files run it, and how its runs are read. */
export interface StudyDefinition {
  /** The id `npm run repro -- <id>` takes, and the anchor on the page. */
  id: string;
  /** The section title. */
  title: string;
  /** The question the study answers (Markdown). */
  question: string;
  /** The setting, and what was scaled down to fit the machine and how that changes the paper's prediction (Markdown). */
  setting: string;
  /** The experiment files that run it, relative to the repository root, in run order. */
  experiments: readonly string[];
  /** The MLflow experiments their runs go to (the files' `name`s), in the same order. */
  experimentNames: readonly string[];
  /** The paper's numbers. */
  published: readonly PublishedNumber[];
  /** Debian packages the study's data come from, installed by `npm run repro` when missing and it can (as root with apt-get). */
  debianPackages?: readonly { name: string; provides: string }[];
  /** Peers outside kdlab run with the study (the PyTorch twin): their command and the JSON file their results go to. */
  peers?: readonly PeerRun[];
  /** Reads the study's runs (the finished ones; unfinished ones are counted apart by the page). */
  analyse(runs: StudyRuns): StudyAnalysis;
}

/** Declares a study (returns it unchanged; for types and completion). */
export function defineStudy(study: StudyDefinition): StudyDefinition {
  return study;
}

/** A run with the study's reading of it. */
export type { StoredRun };
