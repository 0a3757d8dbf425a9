import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Makes sure the split the twins read is in `dataDir` (repro/pytorch-twin/export-split.ts writes it
 * from kdlab's own loader, as the study loads it, when header.json is missing) and answers its
 * training count.
 *
 * @param root - The checkout.
 * @param dataDir - The split's folder.
 */
export function ensureSplit(root: string, dataDir: string, log: (line: string) => void = console.log): number {
  const header = join(dataDir, 'header.json');
  if (!existsSync(header)) {
    log(`  writing kdlab's split to ${dataDir} (repro/pytorch-twin/export-split.ts)`);
    const result = spawnSync(process.execPath, ['--conditions=@kdlab/source', '--import', import.meta.resolve('tsx'), 'repro/pytorch-twin/export-split.ts', dataDir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0 || !existsSync(header)) throw new Error(`repro/pytorch-twin/export-split.ts ${dataDir} failed (exit ${String(result.status)})`);
  }
  const parsed = JSON.parse(readFileSync(header, 'utf8')) as { splits?: { train?: { count?: number } } };
  const count = parsed.splits?.train?.count;
  if (count === undefined) throw new Error(`${header}: no splits.train.count`);
  return count;
}
