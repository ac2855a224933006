/**
 * Markdown tables. Cells are escaped so that a `|` or a newline in a title cannot break the table
 * and inline HTML in a title (`<b>`, `&amp;`) shows as typed instead of being rendered.
 */

export function mdCell(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/[\r\n]+/g, ' ');
}

/** A GitHub-flavoured table; `right[i]` right-aligns column i. */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[] = []): string {
  const line = (cells: readonly string[]) => '| ' + cells.map(mdCell).join(' | ') + ' |';
  const rule = '|' + header.map((_, i) => (right[i] ? '---:' : '---')).join('|') + '|';
  return [line(header), rule, ...rows.map(line)].join('\n') + '\n';
}
