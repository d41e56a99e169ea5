// Saving a plot as a standalone SVG file.

/** Saves SVG markup (as Vega's view.toSVG() gives it) as `filename`, with an XML declaration in front. */
export function downloadSvg(markup, filename) {
  const blob = new Blob([`<?xml version="1.0" encoding="UTF-8"?>\n${markup}\n`], { type: 'image/svg+xml' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename.endsWith('.svg') ? filename : `${filename}.svg`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
