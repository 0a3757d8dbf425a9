import type { SourceChoice } from './choose-library-source.js';
import type { DiscoveryReport } from './find-library-sources.js';
import { describePlatform, type HostPlatform } from './host-platform.js';

/**
 * The message when no usable TensorFlow library was found: where kdlab looked, what it found and
 * could not use (and why), and what to do: which file to bring and how to name it.
 *
 * @param report - What discovery saw.
 * @param choice - What the choice rejected.
 * @param request - Whether a GPU build was asked for, the platform, and the `--from` path if any.
 */
export function formatNoLibraryFound(report: DiscoveryReport, choice: SourceChoice, request: { gpu: boolean; host: HostPlatform; from?: string }): string {
  const platform = describePlatform(request.host);
  const what = request.gpu ? 'CUDA-enabled TensorFlow C library' : 'TensorFlow C library';
  const lines = [`No ${what} for ${platform} found${request.from !== undefined ? ` at ${request.from}` : ''}.`];
  if (request.from === undefined) {
    lines.push('Looked in:');
    for (const location of report.searched) lines.push(`  ${location.path} (${location.why}${location.exists ? '' : ', missing'})`);
  }
  if (choice.rejected.length > 0) {
    lines.push('Found, but cannot use:');
    for (const { source, reason } of choice.rejected) lines.push(`  ${source.path}: ${reason}`);
  }
  lines.push('What to do: bring one of these to this machine and name it with --from <path>:');
  if (request.gpu) {
    lines.push(
      `  - the "tensorflow" wheel for ${platform} (a CUDA build; "tensorflow-cpu" is CPU-only), e.g. from \`pip download tensorflow --no-deps\` on a machine with internet access, or your cluster's wheel mirror;`,
      '  - a libtensorflow-gpu tarball (libtensorflow-gpu-linux-x86_64-<version>.tar.gz);',
      '  - an installed site-packages/tensorflow folder of a CUDA build.',
      '  CUDA and cuDNN libraries matching that TensorFlow version must also be installed where the backend runs.',
      '  Without one, the GPU backend cannot be built: use the CPU one (`kdlab native build`).',
    );
  } else {
    lines.push(
      `  - a TensorFlow wheel for ${platform} ("tensorflow-cpu" is smallest), e.g. from \`pip download tensorflow-cpu --no-deps\` on a machine with internet access, or your cluster's wheel mirror;`,
      '  - a libtensorflow tarball (libtensorflow-cpu-linux-x86_64-<version>.tar.gz) or its unpacked folder (lib/ and include/);',
      '  - an installed site-packages/tensorflow folder.',
    );
  }
  return lines.join('\n');
}

/**
 * One line saying which library was chosen and what else was there.
 *
 * @param choice - The choice made (with a chosen source).
 */
export function formatChosenSource(choice: SourceChoice): string {
  const chosen = choice.chosen!;
  const others = choice.alternatives.length > 0 ? `; ${choice.alternatives.length} other usable (--from picks another)` : '';
  return `TensorFlow library: ${chosen.label} at ${chosen.path}${others}`;
}
