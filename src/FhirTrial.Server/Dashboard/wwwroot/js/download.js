// Saving a plot as a standalone SVG file.

/** Saves SVG markup (as Vega's view.toSVG() gives it) as `filename`, with an XML declaration in front. */
export function downloadSvg(markup, filename) {
  const blob = new Blob([`<?xml version="1.0" encoding="UTF-8"?>\n${markup}\n`], { type: 'image/svg+xml' });
  save(blob, filename.endsWith('.svg') ? filename : `${filename}.svg`);
}

/** Saves rows of cells as RFC 4180 CSV (UTF-8 with a byte-order mark, so spreadsheet programs read CJK text right). */
export function downloadCsv(rows, filename) {
  const quote = (cell) => {
    const text = cell === null || cell === undefined ? '' : String(cell);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const csv = rows.map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n';
  save(new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' }), filename.endsWith('.csv') ? filename : `${filename}.csv`);
}

function save(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
