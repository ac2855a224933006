import { element, escapeXml } from './svg.js';

/**
 * The HTML page every report uses: one file, inline CSS, a few lines of inline script to sort
 * tables, no external resources of any kind, so it opens offline and can be mailed or archived.
 */

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;margin:0;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:32px 0 8px}
.meta{color:#555;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.card{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:10px 14px;min-width:120px}
.card .v{font-size:22px;font-weight:600}.card .k{color:#555;font-size:12px}
figure{background:#fff;border:1px solid #dde1e6;border-radius:6px;margin:12px 0;padding:8px;overflow-x:auto}
figcaption{color:#555;font-size:12px;margin-top:4px}
table{border-collapse:collapse;background:#fff;font-size:13px}
th,td{padding:3px 8px;border-bottom:1px solid #e6e8eb;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.sortable th{cursor:pointer;user-select:none;white-space:nowrap}
table.sortable th[aria-sort=ascending]::after{content:" \\25B2"}
table.sortable th[aria-sort=descending]::after{content:" \\25BC"}
.scroll{max-height:640px;overflow:auto;border:1px solid #dde1e6;border-radius:6px}
.muted{color:#666}
`;

// Sorts a table's rows by the clicked column: numbers by data-value, text otherwise; a second
// click reverses. Kept tiny and dependency-free on purpose.
const SORT_JS = `
document.querySelectorAll('table.sortable').forEach(function(t){
  t.querySelectorAll('th').forEach(function(th,col){
    th.addEventListener('click',function(){
      var desc=th.getAttribute('aria-sort')!=='descending';
      t.querySelectorAll('th').forEach(function(h){h.removeAttribute('aria-sort')});
      th.setAttribute('aria-sort',desc?'descending':'ascending');
      var num=th.classList.contains('num'),body=t.tBodies[0];
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){
        var x=a.cells[col],y=b.cells[col];
        var c=num?(+x.dataset.value)-(+y.dataset.value):x.textContent.localeCompare(y.textContent);
        return desc?-c:c;
      });
      rows.forEach(function(r){body.appendChild(r)});
    });
  });
});
`;

export interface Column<Row> {
  label: string;
  /** Cell text. */
  text: (row: Row) => string;
  /** Numeric columns sort by this value and align right. */
  value?: (row: Row) => number;
  /** Hover text on the header. */
  title?: string;
  /** Cell markup instead of the escaped text (trusted: built from escaped parts by the caller). */
  html?: (row: Row) => string;
}

/** A table; `sortable` adds click-to-sort headers (see SORT_JS). */
export function htmlTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[], options: { id?: string; sortable?: boolean } = {}): string {
  const head = columns.map((c) => element('th', { class: c.value ? 'num' : undefined, title: c.title }, escapeXml(c.label))).join('');
  const body = rows
    .map((r) => element('tr', {}, columns.map((c) => element('td', c.value ? { class: 'num', 'data-value': c.value(r) } : {}, c.html ? c.html(r) : escapeXml(c.text(r)))).join('')))
    .join('\n');
  return element('table', { id: options.id, class: options.sortable ? 'sortable' : undefined }, element('thead', {}, element('tr', {}, head)) + element('tbody', {}, body));
}

/** Headline numbers as cards. */
export function cards(items: readonly { label: string; value: string; title?: string }[]): string {
  return element('div', { class: 'cards' }, items.map((i) => element('div', { class: 'card', title: i.title }, element('div', { class: 'v' }, escapeXml(i.value)) + element('div', { class: 'k' }, escapeXml(i.label)))).join(''));
}

/** A chart with its caption. */
export function figure(svg: string, caption: string, id?: string): string {
  return element('figure', { id }, svg + element('figcaption', {}, escapeXml(caption)));
}

/** The whole document. `body` is trusted markup built by the report modules. */
export function htmlPage(title: string, body: string): string {
  return (
    '<!DOCTYPE html>\n' +
    element(
      'html',
      { lang: 'en' },
      element('head', {}, element('meta', { charset: 'utf-8' }) + element('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }) + element('title', {}, escapeXml(title)) + element('style', {}, CSS)) +
        element('body', {}, element('main', {}, body) + element('script', {}, SORT_JS)),
    ) +
    '\n'
  );
}
