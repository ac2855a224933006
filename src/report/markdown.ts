/**
 * Markdown tables. Cells are escaped so that a `|` or a newline in a title cannot break the table,
 * and inline HTML or Markdown in a title (`<b>`, `&amp;`, a link, an image that would load from a
 * tracker, emphasis, code) shows as typed instead of being rendered.
 */

export function mdCell(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/[|[\]*_`!~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/[\r\n]+/g, ' ');
}

/** A GitHub-flavoured table; `right[i]` right-aligns column i; `bold(r, i)` sets cell i of row r in bold. */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[] = [], bold: (row: number, col: number) => boolean = () => false): string {
  const line = (cells: readonly string[], r: number) => '| ' + cells.map((c, i) => (bold(r, i) ? `**${mdCell(c)}**` : mdCell(c))).join(' | ') + ' |';
  const rule = '|' + header.map((_, i) => (right[i] ? '---:' : '---')).join('|') + '|';
  return [line(header, -1), rule, ...rows.map((row, r) => line(row, r))].join('\n') + '\n';
}
