import { createRootContainer, createRunContainer, pluginRegistries, pruningsModule, type PluginRegistries } from '@kdlab/core';
import { datasetsModule } from '@kdlab/data';
import { DEFAULT_PLUGIN_PACKAGES, loadPluginPackages } from '@kdlab/runner';

/**
 * The plugin registries of a process that runs trials it did not load from a file (a queue worker and
 * its trial processes): the built-in data sets and prunings, the default plugin packages and `plugins`
 * (`--plugin`). A job needing a plugin outside them fails, naming it.
 */
export async function workerRegistries(plugins: readonly string[]): Promise<PluginRegistries> {
  const root = createRootContainer(datasetsModule, pruningsModule, ...(await loadPluginPackages([...DEFAULT_PLUGIN_PACKAGES, ...plugins])));
  return pluginRegistries(createRunContainer(root));
}
