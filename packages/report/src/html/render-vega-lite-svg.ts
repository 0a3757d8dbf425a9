import type { View } from 'vega';
import type { TopLevelSpec } from 'vega-lite';

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
 * @throws Error naming the plot's title when Vega-Lite or Vega rejects the spec.
 */
export async function renderVegaLiteSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  const title = typeof spec.title === 'string' ? spec.title : 'untitled plot';
  let view: View | undefined;
  try {
    // Loaded on demand: importing @kdlab/core must not pay for the plotting stack.
    const [{ parse, View: VegaView }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
    view = new VegaView(parse(compile(spec).spec), { renderer: 'none' });
    return scopeSvgIds(await view.toSVG(), idPrefix);
  } catch (error) {
    throw new Error(`Rendering plot '${title}' failed: ${(error as Error).message}`, { cause: error });
  } finally {
    view?.finalize();
  }
}
