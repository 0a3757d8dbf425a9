import { EXPORT_FILES } from './export-manifest.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The `index.html` of an export: a static page whose script (`kdlab-export.js`) loads the model,
 * predicts the samples and fills in the tables. It needs no network beyond its own folder.
 *
 * @param modelName - the model's name, for the title until the script runs.
 */
export function exportPageHtml(modelName: string): string {
  const title = `kdlab export: ${escapeHtml(modelName)}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1d1d1f; }
  h1 { font-size: 1.4rem; }
  table { border-collapse: collapse; margin: 1rem 0; }
  th { text-align: left; padding: .25rem 1rem .25rem 0; vertical-align: top; white-space: nowrap; }
  td { padding: .25rem 0; }
  #status { color: #555; }
  #status.error { color: #b00020; white-space: pre-wrap; }
  #gallery { display: flex; flex-wrap: wrap; gap: .5rem; }
  figure { margin: 0; text-align: center; font-size: .85rem; }
  figure canvas { width: 56px; height: 56px; image-rendering: pixelated; border: 2px solid #ccc; display: block; }
  figure.wrong canvas { border-color: #b00020; }
  figure.wrong figcaption { color: #b00020; font-weight: 600; }
  code { background: #f3f3f3; padding: 0 .2rem; }
</style>
</head>
<body>
<h1>${title}</h1>
<p id="status">Starting... (this page needs JavaScript, and must be served over http: <code>kdlab export ... --serve</code>)</p>
<table><tbody id="summary"></tbody></table>
<p id="legend"></p>
<div id="gallery"></div>
<p><small>Query parameters: <code>?backend=wasm</code> (default) or <code>cpu</code>; <code>?runs=100</code>, the single-image predictions timed. The results are in <code>window.kdlabResult</code>.</small></p>
<script src="${EXPORT_FILES.bundle}"></script>
</body>
</html>
`;
}
