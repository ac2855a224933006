import type { EvaluationReport } from './evaluation-report.js';
import { mdTable } from './markdown.js';
import { formatMetric, metricsOf } from '../evaluation/metric-catalog.js';
import { GROUP_CONFUSIONS_NOTE } from './group-confusions-note.js';

/** Where the Markdown should link chart images from (relative paths), when they were written. */
export interface MarkdownImages {
  classF1?: string;
  confusion?: string;
  reliability?: string;
}

const f3 = (v: number) => v.toFixed(3);

/** The report as Markdown: the same sections as the HTML, charts as image links when given. */
export function evaluationMarkdown(r: EvaluationReport, images: MarkdownImages = {}): string {
  const s = r.summary as unknown as Record<string, number>;
  const out: string[] = [];
  out.push(`# Evaluation: ${r.name}\n`);
  out.push(
    `${r.model.task} model \`${r.model.path}\` (${r.model.backend}, ${r.model.classes} classes${r.model.quantized ? ', int8' : ''}, trained on ${r.model.trainingPapers} papers) ` +
      `on \`${r.data.path}\`: ${s.n} papers${r.titleOnly ? ', titles only' : ''}. Report made ${r.createdAt}.\n`,
  );
  out.push('## Metrics\n');
  out.push(mdTable(['metric', 'value'], metricsOf(r.summary).map((m) => [m.label, formatMetric(m.kind, s[m.key]!)]), [false, true]));
  if (images.classF1) out.push(`\n## F1 per class\n\n![F1 per class](${images.classF1})\n`);
  if (images.confusion) out.push(`\n## Confusion matrix\n\n![Confusion matrix](${images.confusion})\n`);
  if (r.details.reliability) {
    out.push('\n## Calibration\n');
    if (images.reliability) out.push(`![Reliability diagram](${images.reliability})\n`);
    const bins = r.details.reliability.filter((b) => b.count > 0);
    out.push(mdTable(['confidence', 'papers', 'mean confidence', 'accuracy'], bins.map((b) => [`${b.lower.toFixed(2)}–${b.upper.toFixed(2)}`, String(b.count), f3(b.confidence), f3(b.accuracy)]), [false, true, true, true]));
  }
  if (r.details.worstConfusions.length) {
    out.push('\n## Most frequent confusions\n');
    out.push(
      mdTable(
        ['true', 'predicted', 'papers', '% of true class', 'examples (most confident first)'],
        r.details.worstConfusions.map((w) => [w.trueLabel, w.predictedLabel, String(w.count), `${(w.shareOfTrue * 100).toFixed(1)}%`, w.examples.map((e) => `${e.id}: ${e.title}`).join('; ')]),
        [false, false, true, true, false],
      ),
    );
  }
  if (r.details.groupConfusions?.length) {
    out.push('\n## Group confusions\n');
    out.push(`${GROUP_CONFUSIONS_NOTE}\n`);
    out.push(
      mdTable(
        ['true group', 'predicted group', 'papers', '% of group errors', 'cross-listed'],
        r.details.groupConfusions.map((g) => [g.trueGroup, g.predictedGroup, String(g.count), `${(g.shareOfErrors * 100).toFixed(1)}%`, String(g.crossListed)]),
        [false, false, true, true, true],
      ),
    );
  }
  out.push('\n## Per-class report\n');
  out.push(
    mdTable(
      ['class', 'name', 'support', 'predicted', 'precision', 'recall', 'F1'],
      r.details.classes.map((c) => [c.code, c.name, String(c.support), String(c.predicted), f3(c.precision), f3(c.recall), f3(c.f1)]),
      [false, false, true, true, true, true, true],
    ),
  );
  return out.join('\n');
}
