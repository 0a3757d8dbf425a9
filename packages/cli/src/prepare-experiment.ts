import type { Container } from 'inversify';
import { createRootContainer, createRunContainer, pluginRegistries, type PluginRegistries } from '@kdlab/core';
import { datasetsModule } from '@kdlab/data';
import { pruningsModule } from '@kdlab/core';
import { applyOverrides } from '@kdlab/core';
import { describeTrial, expandSweep, isSweep } from '@kdlab/core';
import { loadExperimentFile } from '@kdlab/runner';
import { resolveExperiment } from '@kdlab/core';
import { sweepDefinitionIssues } from '@kdlab/core';
import { ExperimentValidationError } from '@kdlab/core';
import { DEFAULT_PLUGIN_PACKAGES, loadPluginPackages } from '@kdlab/runner';
import type { Dataset } from '@kdlab/core';
import { checkPlan } from '@kdlab/runner';
import type { ResolvedTrial, SweepDefinition } from '@kdlab/runner';

/** What the CLI is told about an experiment: the file, `--set` overrides, `--seed` and extra plugin packages. */
export interface ExperimentRequest {
  /** The experiment file. */
  file: string;
  /** `path=value` overrides. */
  set: string[];
  /** A seed that replaces the experiment's (and its `seeds`). */
  seed?: string;
  /** Extra plugin packages. */
  plugins: string[];
  /**
   * Also check the whole plan (data files, models, taps, losses, stages: {@link checkPlan}) of every
   * trial that validates, its problems reported with the others.
   */
  checkPlan?: boolean;
}

/** An experiment ready to run: every trial validated, the plugins registered. */
export interface PreparedExperiment {
  /** The experiment file's absolute path. */
  path: string;
  /** The MLflow experiment name. */
  name: string;
  /** Whether it is a sweep (a grid or several seeds). */
  isSweep: boolean;
  /** The sweep as written, for the parent run. */
  definition: SweepDefinition;
  /** Every trial, validated (one for a plain experiment). */
  trials: ResolvedTrial[];
  /** The run's child container. */
  container: Container;
  /** Its plugin registries. */
  registries: PluginRegistries;
  /** How long the plan check took, in seconds, when it was asked for. */
  planCheckSeconds?: number;
  /**
   * The data the plan check loaded, by `experimentDataKey`: a runner in this process uses them
   * rather than loading them again (drop the reference when trials run elsewhere, to free them).
   */
  planData?: Map<string, Promise<Dataset>>;
}

/**
 * Loads an experiment file, applies the overrides, expands its sweep and validates every trial (each
 * plugin's options included) before anything trains; with `checkPlan`, also the plan of every trial
 * that validates. Throws an {@link ExperimentValidationError}
 * listing every problem, each trial's prefixed by the trial's values.
 */
export async function prepareExperiment(request: ExperimentRequest): Promise<PreparedExperiment> {
  const loaded = await loadExperimentFile(request.file);
  const overrides = [...request.set, ...(request.seed !== undefined ? [`seed=${request.seed}`] : [])];
  let raw = applyOverrides(loaded.experiment, overrides) as Record<string, unknown>;
  if (request.seed !== undefined && raw['seeds'] !== undefined) {
    const { seeds: _dropped, ...rest } = raw;
    raw = rest;
  }
  const root = createRootContainer(datasetsModule, pruningsModule, ...(await loadPluginPackages([...DEFAULT_PLUGIN_PACKAGES, ...request.plugins])), ...loaded.plugins);
  const container = createRunContainer(root);
  const registries = pluginRegistries(container);
  // A swept path without values (or no seeds) would expand into no trial at all.
  const definitionIssues = sweepDefinitionIssues(raw);
  if (definitionIssues.length > 0) throw new ExperimentValidationError(request.file, definitionIssues);
  const trials = expandSweep(raw);
  const sweep = isSweep(raw);
  const resolved: ResolvedTrial[] = [];
  const issues: ExperimentValidationError['issues'][number][] = [];
  for (const trial of trials) {
    try {
      resolved.push({ trial, experiment: resolveExperiment(trial.experiment, registries, request.file) });
    } catch (error) {
      if (!(error instanceof ExperimentValidationError)) throw error;
      const prefix = sweep ? `[${describeTrial(trial)}] ` : '';
      for (const issue of error.issues) {
        const text = `${prefix}${issue.message}`;
        if (!issues.some((known) => known.path === issue.path && known.message.endsWith(issue.message))) issues.push({ path: issue.path, message: text });
      }
    }
  }
  let planCheckSeconds: number | undefined;
  const planData = new Map<string, Promise<Dataset>>();
  if (request.checkPlan) {
    const started = Date.now();
    issues.push(...(await checkPlan(resolved, registries, sweep, planData)));
    planCheckSeconds = (Date.now() - started) / 1000;
  }
  if (issues.length > 0) throw new ExperimentValidationError(request.file, issues);
  const definition = raw as { sweep?: Record<string, unknown[]>; seeds?: number[] };
  return {
    path: loaded.path,
    name: resolved[0]!.experiment.name,
    isSweep: sweep,
    definition: { ...(definition.sweep ? { sweep: definition.sweep } : {}), ...(definition.seeds ? { seeds: definition.seeds } : {}) },
    trials: resolved,
    container,
    registries,
    ...(planCheckSeconds !== undefined ? { planCheckSeconds, planData } : {}),
  };
}
