import type { Comparison } from '../comparison/comparison.js';
import { comparisonHeadline, comparisonNotes, distillationTable, metricTable } from '../format/comparison-tables.js';
import { escapeHtml } from './escape-html.js';
import { plottedQuantities } from './plot-data.js';
import { metricPlotSpec, trainingCurvesSpec } from './plot-specs.js';
import { renderHtmlTable } from './render-html-table.js';
import { renderVegaLiteSvg } from './render-vega-lite-svg.js';

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 2rem auto; max-width: 1400px; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
p.meta { color: #555; margin-top: 0; }
div.table { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: .4rem; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #eee; white-space: nowrap; }
th { border-bottom: 2px solid #ccc; } .right { text-align: right; } .left { text-align: left; }
tr.reference td { color: #444; background: #fafafa; } tr.separator td { border-top: 2px solid #ccc; }
ul.notes { color: #8a5a00; }
.plots { display: flex; flex-wrap: wrap; gap: 1.5rem; } figure { margin: 0; } svg { max-width: 100%; height: auto; }
`;

/**
 * The comparison as one self-contained HTML page: the headline, both tables, the notes, SVG plots
 * of each quantity against each swept value (95% intervals as error bars; baseline and teacher as
 * dashed lines) and the training curves. Plots are rendered to SVG in Node and inlined; the page
 * has no scripts and loads nothing.
 *
 * @param comparison - The comparison.
 * @param generatedAt - The time printed in the page; default now.
 */
export async function renderHtmlReport(comparison: Comparison, generatedAt: Date = new Date()): Promise<string> {
  let plotIndex = 0;
  const figure = async (spec: Parameters<typeof renderVegaLiteSvg>[0]): Promise<string> => {
    plotIndex += 1;
    return `<figure class="plot" id="plot-${plotIndex}">${await renderVegaLiteSvg(spec, `plot${plotIndex}-`)}</figure>`;
  };
  const sections: string[] = [];
  const quantities = plottedQuantities(comparison);
  for (const path of comparison.by) {
    const figures: string[] = [];
    for (const quantity of quantities) figures.push(await figure(metricPlotSpec(comparison, path, quantity)));
    sections.push(`<h2>Against ${escapeHtml(path)}</h2>\n<div class="plots">\n${figures.join('\n')}\n</div>`);
  }
  if (comparison.by.length === 0) sections.push('<h2>Against swept values</h2>\n<p>Nothing was swept: there is no swept value to plot against.</p>');
  sections.push(
    comparison.curves.length > 0
      ? `<h2>Training curves</h2>\n<div class="plots">\n${await figure(trainingCurvesSpec(comparison))}\n</div>`
      : `<h2>Training curves</h2>\n<p>No run logged ${escapeHtml(comparison.curveMetric)}.</p>`,
  );
  const notes = comparisonNotes(comparison);
  const title = `kdlab compare: ${comparison.experimentName}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(comparisonHeadline(comparison))}. Generated ${escapeHtml(generatedAt.toISOString())}.</p>
<div class="table">${renderHtmlTable(metricTable(comparison))}</div>
<div class="table">${renderHtmlTable(distillationTable(comparison))}</div>
${notes.length > 0 ? `<ul class="notes">\n${notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('\n')}\n</ul>` : ''}
${sections.join('\n')}
</body>
</html>
`;
}
