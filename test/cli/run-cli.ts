import { main } from '../../src/cli/main.js';

/**
 * Run the CLI in-process, capturing the text it writes to stdout and stderr. The CLI writes
 * strings; binary chunks are the test runner's own reports to its parent and pass through.
 */
export async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const origOut = process.stdout.write;
  const origErr = process.stderr.write;
  const capture = (into: string[], orig: typeof process.stdout.write, stream: NodeJS.WriteStream) =>
    function (this: unknown, chunk: string | Uint8Array, ...rest: unknown[]): boolean {
      if (typeof chunk === 'string') {
        into.push(chunk);
        return true;
      }
      return (orig as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    } as typeof process.stdout.write;
  process.stdout.write = capture(out, origOut, process.stdout);
  process.stderr.write = capture(err, origErr, process.stderr);
  try {
    const code = await main(argv);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = origOut;
    process.stderr.write = origErr;
  }
}

