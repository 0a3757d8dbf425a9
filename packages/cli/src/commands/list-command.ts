import { Command } from 'commander';
import { createRootContainer, pluginRegistries } from '@kdlab/core';
import { datasetsModule } from '@kdlab/data';
import { pruningsModule } from '@kdlab/core';
import { DEFAULT_PLUGIN_PACKAGES, loadPluginPackages } from '@kdlab/runner';
import { EXIT } from '../exit-codes.js';

/** The `kdlab list` command: the registered losses, models, datasets and prunings. */
export function listCommand(): Command {
  return new Command('list')
    .description('List the registered losses, models, datasets and prunings')
    .option('--plugin <package>', 'also load this plugin package (repeatable)', (v: string, p: string[]) => [...p, v], [] as string[])
    .action(async (options: { plugin: string[] }) => {
      let plugins;
      try {
        plugins = await loadPluginPackages([...DEFAULT_PLUGIN_PACKAGES, ...options.plugin]);
      } catch (error) {
        process.stderr.write(`kdlab list: ${(error as Error).message}\n`);
        process.exitCode = EXIT.invalidInput;
        return;
      }
      const container = createRootContainer(datasetsModule, pruningsModule, ...plugins);
      const registries = pluginRegistries(container);
      const section = (title: string, items: { id: string; description: string }[]): string =>
        `${title}:\n${items.map((item) => `  ${item.id.padEnd(16)} ${item.description}`).join('\n')}\n`;
      process.stdout.write(
        [section('losses', registries.losses.list()), section('models', registries.models.list()), section('datasets', registries.datasets.list()), section('prunings', registries.prunings.list())].join('\n'),
      );
    });
}
