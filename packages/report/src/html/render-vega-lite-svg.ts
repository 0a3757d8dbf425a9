import { readFileSync } from 'node:fs';
import type { View } from 'vega';
import type { TopLevelSpec } from 'vega-lite';

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');

const PLOTTING_PACKAGES = ['vega', 'vega-lite'] as const;

let plottingStack: Promise<[Vega, VegaLite]> | undefined;

/**
 * Loads vega and vega-lite, optional peer dependencies of @kdlab/report (only the HTML report needs them),
 * once. When either is not installed: an error that names what is missing and the command that installs both.
 */
function loadPlottingStack(): Promise<[Vega, VegaLite]> {
  plottingStack ??= Promise.allSettled([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => {
    if (vega.status === 'fulfilled' && vegaLite.status === 'fulfilled') return [vega.value, vegaLite.value];
    plottingStack = undefined;
    const failures = [vega, vegaLite].flatMap((result, index) => (result.status === 'rejected' ? [{ name: PLOTTING_PACKAGES[index]!, error: result.reason as NodeJS.ErrnoException }] : []));
    // Only a package that is itself absent is reported as missing; any other failure is rethrown as it is.
    const missing = failures.filter(({ name, error }) => error.code === 'ERR_MODULE_NOT_FOUND' && error.message.includes(`'${name}'`));
    const other = failures.find((failure) => !missing.includes(failure));
    if (other !== undefined) throw other.error;
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { peerDependencies?: Record<string, string> };
    const install = PLOTTING_PACKAGES.map((name) => `${name}@${manifest.peerDependencies?.[name] ?? 'latest'}`).join(' ');
    throw new Error(
      `the HTML report draws its plots with vega and vega-lite, optional packages of @kdlab/report, and ${missing.map(({ name }) => name).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed: install them with \`npm install ${install}\`, or choose another --format (table, markdown, csv, json)`,
      { cause: missing[0]!.error },
    );
  });
  return plottingStack;
}

/**
 * Gives every `id` in an SVG a prefix (and rewrites the `url(#id)` and `href="#id"` references),
 * so that several SVGs inlined in one HTML page cannot clash.
 *
 * @param svg - The SVG text.
 * @param prefix - The prefix, e.g. `plot3-`.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_match, id: string) => `id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_match, id: string) => `url(#${prefix}${id})`)
    .replace(/href="#([^"]+)"/g, (_match, id: string) => `href="#${prefix}${id}"`);
}

/**
 * Renders a Vega-Lite spec to SVG text in Node, without a browser or canvas: Vega-Lite compiles it
 * to Vega, and a headless Vega view (`renderer: 'none'`) writes the SVG. The data must be inline
 * (nothing is loaded).
 *
 * @param spec - The Vega-Lite spec with inline data.
 * @param idPrefix - Prefix for the SVG's element ids (see {@link scopeSvgIds}).
 * @throws Error naming the plot's title when Vega-Lite or Vega rejects the spec, and naming the package and its
 *   install command when vega or vega-lite (optional peer dependencies of @kdlab/report) is not installed.
 */
export async function renderVegaLiteSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  const title = typeof spec.title === 'string' ? spec.title : 'untitled plot';
  // Loaded on demand: only the HTML report pays for the plotting stack, and it may not be installed.
  const [{ parse, View: VegaView }, { compile }] = await loadPlottingStack();
  let view: View | undefined;
  try {
    view = new VegaView(parse(compile(spec).spec), { renderer: 'none' });
    return scopeSvgIds(await view.toSVG(), idPrefix);
  } catch (error) {
    throw new Error(`Rendering plot '${title}' failed: ${(error as Error).message}`, { cause: error });
  } finally {
    view?.finalize();
  }
}
