/**
 * A big corpus for the scale benchmarks: a corpus (JSON lines, gzipped or not) repeated under fresh ids until it holds
 * the number of papers asked for, written as plain JSON lines (nothing of it is committed). The
 * first copy keeps the real ids; copy k (k ≥ 1) appends `~k`, which is no arXiv id, so its month
 * comes from its `date` field, which the copy sets to its id's month (the shared corpus's dates are
 * last-update dates).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { yymmOf } from '../src/corpus/split.js';

export async function writeRepeatedCorpus(source: string, out: string, papers: number): Promise<{ papers: number; bytes: number }> {
  const w = createWriteStream(out);
  let written = 0;
  let bytes = 0;
  for (let copy = 0; written < papers; copy++) {
    const raw = createReadStream(source);
    const lines = createInterface({ input: source.endsWith('.gz') ? raw.pipe(createGunzip()) : raw, crlfDelay: Infinity });
    let any = false;
    for await (const line of lines) {
      if (written >= papers) break;
      if (!line.trim()) continue;
      any = true;
      const o = JSON.parse(line) as { id: string; date?: string };
      if (copy > 0) {
        const month = yymmOf(o);
        if (month !== undefined) o.date = `${Math.floor(month / 100)}-${String(month % 100).padStart(2, '0')}-01`;
        o.id = `${o.id}~${copy}`;
      }
      const text = JSON.stringify(o) + '\n';
      bytes += Buffer.byteLength(text);
      written++;
      if (!w.write(text)) await once(w, 'drain');
    }
    lines.close();
    if (!any) throw new Error(`${source}: no papers to repeat`);
  }
  w.end();
  await once(w, 'finish');
  return { papers: written, bytes };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const [source, out, n] = process.argv.slice(2);
  if (!source || !out || !n) throw new Error('usage: tsx bench/repeat-corpus.ts SOURCE.jsonl[.gz] OUT.jsonl PAPERS');
  console.log(await writeRepeatedCorpus(source, out, Number(n)));
}
