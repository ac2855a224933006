// Classifies a file in the browser, off the page's thread (the static site's batch mode, and
// offline mode's): loads the bundle and the model bytes it is sent, reads the file with the same
// parsers as the server, and reports rows as they are classified.
//   in:  {bundle: URL, model: ArrayBuffer, file: File, k: number}
//   out: {type: 'start', total} · {type: 'rows', rows, skips, done} · {type: 'end'} · {type: 'error', message}

/** Rows per message: often enough for a smooth bar, rarely enough to cost nothing. */
const EVERY_MS = 100;

async function fileText(file) {
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  const gz = head[0] === 0x1f && head[1] === 0x8b;
  if (!gz) return file.text();
  return new Response(file.stream().pipeThrough(new DecompressionStream('gzip'))).text();
}

self.onmessage = async (ev) => {
  const { bundle, model: bytes, file, k } = ev.data;
  try {
    importScripts(bundle);
    const api = self.ArxivClassifier;
    const [model, text] = await Promise.all([api.loadModelFromBytes(bytes), fileText(file)]);
    const items = api.papersOfText(file.name, text);
    if (!Array.isArray(items)) throw new Error(items.unsupported);
    postMessage({ type: 'start', total: items.length });
    let rows = [];
    let skips = [];
    let last = Date.now();
    let done = 0;
    for (const item of items) {
      if ('error' in item) skips.push({ line: item.line, error: item.error });
      else {
        const p = model.predict(item.paper, { k });
        rows.push({ line: item.line, id: item.paper.id, title: item.paper.title, labels: p.labels, groups: p.groups, record: api.predictionRecord(p, item.paper.id, item.line) });
      }
      done++;
      if (Date.now() - last >= EVERY_MS) {
        postMessage({ type: 'rows', rows, skips, done });
        rows = [];
        skips = [];
        // Let the message go out (and a terminate() in) before the next stretch.
        await new Promise((r) => setTimeout(r, 0));
        last = Date.now();
      }
    }
    postMessage({ type: 'rows', rows, skips, done });
    postMessage({ type: 'end' });
  } catch (e) {
    postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
