#!/usr/bin/env node
// The kdlab CLI. In kdlab's own source checkout (this package not inside a node_modules folder, src/
// beside this file) it runs the TypeScript sources through tsx with the "@kdlab/source" export
// condition, so no build step is needed; an installed package runs its compiled dist/.
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageRoot = realpathSync(join(dirname(fileURLToPath(import.meta.url)), '..'));
const installed = packageRoot.split(/[\\/]/).includes('node_modules');
const sourceEntry = join(packageRoot, 'src', 'entry.ts');
const distEntry = join(packageRoot, 'dist', 'entry.js');

if (!installed && existsSync(sourceEntry) && process.env.KDLAB_FROM_DIST !== '1') {
  const child = spawn(process.execPath, ['--conditions=@kdlab/source', '--import', import.meta.resolve('tsx'), sourceEntry, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // Ctrl-C reaches the child through the terminal's process group; the parent only waits for it.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1)));
} else {
  await import(pathToFileURL(distEntry).href);
}
