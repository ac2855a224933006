// A quiet node:test reporter for scripts/test.mjs: a dot per passing test, each failure in full
// (file:line, name, error) as it happens and again at the end, skipped tests with their reasons,
// and last the runner's own counts (`# tests N`, `# pass N`, `# fail N`, … as node's TAP reporter
// prints them: they are the root test's diagnostics, passed through, never counted here).
// AXC_TEST_TIMES=FILE also writes each file's summed top-level test durations there as JSON.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { inspect } from 'node:util';

const SUMMARY = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) [\d.]+$/;
const WIDTH = 80;

function rel(file) {
  return relative(process.cwd(), file);
}

// Where in its file a test failed: the first frame of the error's stack in that file (the runner's
// own line for a test is not reliable under tsx), else the file alone.
function where(data, error) {
  if (!data.file) return '?';
  const stack = String(error?.cause?.stack ?? error?.stack ?? '');
  const at = stack.split(data.file + ':')[1]?.match(/^(\d+):\d+/);
  return at ? `${rel(data.file)}:${at[1]}` : rel(data.file);
}

function indent(text, by) {
  return text.split('\n').map((l) => (l ? by + l : l)).join('\n');
}

const RUNNER_FRAME = /^\s+at (.*\((node:internal\/|node:async_hooks)|(async )?node:internal\/)/;

function describeError(error) {
  if (!error) return 'failed';
  // The runner wraps what the test threw; show the test's own error, without the runner's frames.
  const inner = error.code === 'ERR_TEST_FAILURE' && error.cause !== undefined ? error.cause : error;
  if (inner instanceof Error && typeof inner.stack === 'string') {
    inner.stack = inner.stack.split('\n').filter((l) => !RUNNER_FRAME.test(l)).join('\n');
  }
  return inner && typeof inner === 'object' ? inspect(inner, { depth: 4, colors: false }) : String(inner);
}

export default async function* quietReporter(source) {
  let column = 0;
  const failures = [];
  const failedFiles = new Set();
  const skipped = [];
  const notes = [];
  const summary = [];
  const times = new Map();
  const output = new Map(); // file → what its tests printed, shown only for files with a failure
  const names = new Map(); // file → the names of the tests now running there, by nesting
  const newline = () => {
    if (column === 0) return '';
    column = 0;
    return '\n';
  };
  const fullName = (data) => [...(names.get(data.file) ?? []).slice(0, data.nesting), data.name].join(' › ');
  for await (const event of source) {
    const { type, data } = event;
    if (type === 'test:start') {
      if (!names.has(data.file)) names.set(data.file, []);
      const stack = names.get(data.file);
      stack.length = data.nesting;
      stack.push(data.name);
      continue;
    }
    if ((type === 'test:pass' || type === 'test:fail') && data.nesting === 0 && data.file) {
      times.set(data.file, (times.get(data.file) ?? 0) + (data.details?.duration_ms ?? 0));
    }
    if (type === 'test:pass') {
      if (data.skip !== undefined || data.todo !== undefined) {
        const why = data.skip !== undefined ? data.skip : data.todo;
        skipped.push(`${data.skip !== undefined ? 'skipped' : 'todo'}: ${data.file ? rel(data.file) : '?'}: ${fullName(data)}${typeof why === 'string' ? ` — ${why}` : ''}`);
      }
      if (data.nesting !== 0 || data.details?.type === 'suite') continue;
      yield data.skip !== undefined ? 's' : '.';
      column++;
      if (column >= WIDTH) yield newline();
    } else if (type === 'test:fail') {
      const error = data.details?.error;
      // A parent whose subtests failed adds nothing: the subtests are reported themselves.
      if (error?.failureType === 'subtestsFailed') continue;
      if (data.file) failedFiles.add(data.file);
      const text = `✖ ${where(data, error)}: ${fullName(data)}\n${indent(describeError(error), '    ')}\n`;
      failures.push(text);
      yield `${newline()}${text}`;
    } else if (type === 'test:diagnostic') {
      if (!data.file && SUMMARY.test(data.message)) summary.push(`# ${data.message}`);
      else if (data.file) notes.push(`note: ${rel(data.file)}: ${data.message}`);
    } else if (type === 'test:stdout' || type === 'test:stderr') {
      if (data.file) output.set(data.file, (output.get(data.file) ?? '') + data.message);
    }
  }
  let tail = newline();
  if (skipped.length || notes.length) tail += `\n${[...skipped, ...notes].join('\n')}\n`;
  if (failures.length) {
    for (const [file, text] of output) {
      if (failedFiles.has(file) && text.trim()) tail += `\n--- what ${rel(file)} printed:\n${text.trimEnd()}\n`;
    }
    tail += `\nfailures, again:\n\n${failures.join('\n')}`;
  }
  tail += `\n${summary.join('\n')}\n`;
  yield tail;
  if (process.env.AXC_TEST_TIMES) {
    const sorted = [...times].sort((a, b) => b[1] - a[1]).map(([f, ms]) => [rel(f), Math.round(ms)]);
    writeFileSync(process.env.AXC_TEST_TIMES, JSON.stringify(Object.fromEntries(sorted), null, 1) + '\n');
  }
}
