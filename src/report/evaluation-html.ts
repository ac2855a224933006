import type { ClassReportRow, GroupConfusion, WorstConfusion } from '../evaluation/evaluate.js';
import { element, escapeXml } from './svg.js';
import { evaluationCharts } from './evaluation-charts.js';
import type { EvaluationReport } from './evaluation-report.js';
import { formatMetric, METRIC_VIEWS, metricsOf } from '../evaluation/metric-catalog.js';
import { GROUP_CONFUSIONS_NOTE } from './group-confusions-note.js';
import { cards, figure, htmlPage, htmlTable, type Column } from './page.js';


const f3 = (v: number) => v.toFixed(3);

/** One self-contained HTML page: headline numbers, charts, per-class table, worst confusions. */
export function evaluationHtml(r: EvaluationReport): string {
  const s = r.summary as unknown as Record<string, number>;
  const metrics = metricsOf(r.summary);
  const headline = metrics.filter((m) => (METRIC_VIEWS.headline as readonly string[]).includes(m.key)).map((m) => ({ label: m.label, value: formatMetric(m.kind, s[m.key]!), ...(m.help ? { title: m.help } : {}) }));
  const charts = evaluationCharts(r);
  const title = `Evaluation: ${r.name}`;
  let body = element('h1', {}, escapeXml(title));
  body += element(
    'p',
    { class: 'meta' },
    escapeXml(
      `${r.model.task} model ${r.model.path} (${r.model.backend}, ${r.model.classes} classes${r.model.quantized ? ', int8' : ''}, trained on ${r.model.trainingPapers} papers) ` +
        `on ${r.data.path}: ${s.n} papers${r.titleOnly ? ', titles only' : ''}. Report made ${r.createdAt}.`,
    ),
  );
  body += cards(headline);

  body += element('h2', {}, 'All metrics');
  body += htmlTable(
    [
      { label: 'metric', text: (m) => m.label, title: 'hover a row for its definition' },
      { label: 'value', text: (m) => formatMetric(m.kind, s[m.key]!), value: (m) => s[m.key]! },
    ],
    metrics,
    { id: 'metrics' },
  );

  body += element('h2', {}, 'F1 per class');
  body += figure(charts.classF1, 'Bars for the classes with the most test papers; every class is in the table below.', 'class-f1');
  if (charts.confusion) {
    body += element('h2', {}, 'Confusion matrix');
    body += figure(charts.confusion, `Rows are true classes, columns predictions; each row's shares sum to 100%. ${'(rest)'} pools every other class. Hover a cell for its count.`, 'confusion');
  }
  if (charts.reliability) {
    body += element('h2', {}, 'Calibration');
    body += figure(charts.reliability, 'Accuracy of the top label per confidence bin; bars under the dashed diagonal mean overconfidence. Dots mark mean confidence.', 'reliability');
  }
  if (r.details.worstConfusions.length) {
    body += element('h2', {}, 'Most frequent confusions');
    body += htmlTable(confusionColumns, r.details.worstConfusions, { id: 'confusions' });
  }
  if (r.details.groupConfusions?.length) {
    body += element('h2', {}, 'Group confusions');
    body += element('p', { class: 'muted' }, GROUP_CONFUSIONS_NOTE);
    body += htmlTable(groupColumns, r.details.groupConfusions, { id: 'group-confusions' });
  }
  body += element('h2', {}, 'Per-class report');
  body += element('p', { class: 'muted' }, 'Click a column header to sort (F1, support, …). Support is the number of test papers of the class; predicted is how often the model chose it.');
  body += element('div', { class: 'scroll' }, htmlTable(classColumns, r.details.classes, { id: 'classes', sortable: true }));
  const lat = r.details.latency;
  if (lat.calls > 0) {
    body += element('p', { class: 'muted' }, escapeXml(`Latency over ${lat.calls} single-paper calls: mean ${lat.meanMs.toFixed(3)} ms, p50 ${lat.p50Ms.toFixed(3)}, p90 ${lat.p90Ms.toFixed(3)}, p99 ${lat.p99Ms.toFixed(3)}, max ${lat.maxMs.toFixed(3)} ms.`));
  }
  return htmlPage(title, body);
}

const classColumns: Column<ClassReportRow>[] = [
  { label: 'class', text: (c) => c.code },
  { label: 'name', text: (c) => c.name },
  { label: 'group', text: (c) => c.group },
  { label: 'support', text: (c) => String(c.support), value: (c) => c.support },
  { label: 'predicted', text: (c) => String(c.predicted), value: (c) => c.predicted },
  { label: 'precision', text: (c) => f3(c.precision), value: (c) => c.precision },
  { label: 'recall', text: (c) => f3(c.recall), value: (c) => c.recall },
  { label: 'F1', text: (c) => f3(c.f1), value: (c) => c.f1 },
];

const groupColumns: Column<GroupConfusion>[] = [
  { label: 'true group', text: (g) => g.trueGroup },
  { label: 'predicted group', text: (g) => g.predictedGroup },
  { label: 'papers', text: (g) => String(g.count), value: (g) => g.count },
  { label: '% of group errors', text: (g) => `${(g.shareOfErrors * 100).toFixed(1)}%`, value: (g) => g.shareOfErrors },
  { label: 'cross-listed', text: (g) => String(g.crossListed), value: (g) => g.crossListed },
];

const confusionColumns: Column<WorstConfusion>[] = [
  { label: 'true', text: (w) => w.trueLabel },
  { label: 'predicted', text: (w) => w.predictedLabel },
  { label: 'papers', text: (w) => String(w.count), value: (w) => w.count },
  { label: '% of true class', text: (w) => `${(w.shareOfTrue * 100).toFixed(1)}%`, value: (w) => w.shareOfTrue },
  {
    label: 'examples (most confident first)',
    text: (w) => w.examples.map((e) => `${e.id}: ${e.title} (p=${e.probability.toFixed(2)})`).join('; '),
    html: (w) => w.examples.map((e) => element('div', {}, `${element('span', { class: 'muted' }, escapeXml(e.id))} ${escapeXml(e.title)} ${element('span', { class: 'muted' }, `(p=${e.probability.toFixed(2)})`)}`)).join(''),
  },
];
