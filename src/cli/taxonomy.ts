import { parseCommandArgs } from './args.js';
import { type Command } from './command.js';
import { UsageError } from '../base/errors.js';
import { CATEGORIES, canonicalizeCategories, getCategory, GROUPS, groupName } from '../taxonomy/taxonomy.js';

export const command: Command = {
  name: 'taxonomy',
  usage: `Usage: arxiv-classifier taxonomy [--json] [--group G] [--resolve CODE...]

List every arXiv category with its official name, archive and group.

Options:
  --json          machine-readable output
  --group G       only this group (${GROUPS.join(', ')})
  --resolve       treat positional arguments as raw codes and show what each resolves to
  -h, --help      this help`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' }, group: { type: 'string' }, resolve: { type: 'boolean' } }, true);
    if (values.resolve && positionals.length === 0) throw new UsageError('--resolve needs the codes to resolve, e.g. taxonomy --resolve math.IT cmp-lg I.2.7');
    if (!values.resolve && positionals.length > 0) throw new UsageError(`unexpected ${positionals.map((p) => `"${p}"`).join(' ')}: to resolve codes, add --resolve`);
    if (values.resolve) {
      const rows = positionals.map((raw) => {
        const r = canonicalizeCategories([raw]);
        const code = r.categories[0];
        return { raw, code: code ?? null, name: code ? getCategory(code)?.name ?? null : null, foreign: r.foreign.length > 0, unknown: r.unknown.length > 0 };
      });
      if (values.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      else for (const r of rows) process.stdout.write(`${r.raw}\t${r.code ?? (r.foreign ? '(non-arXiv code, dropped)' : '(unknown)')}\t${r.name ?? ''}\n`);
      return rows.every((r) => r.code || r.foreign) ? 0 : 1;
    }
    if (values.group !== undefined && !(GROUPS as readonly string[]).includes(values.group)) throw new UsageError(`--group must be one of ${GROUPS.join(', ')}, got "${values.group}"`);
    const list = CATEGORIES.filter((c) => !c.archiveLevel && (!values.group || c.group === values.group));
    if (values.json) {
      process.stdout.write(JSON.stringify(list.map(({ code, name, archive, group, groupName: gn, aliases }) => ({ code, name, archive, group, groupName: gn, aliases })), null, 2) + '\n');
      return 0;
    }
    let current = '';
    for (const c of list) {
      if (c.group !== current) {
        current = c.group;
        process.stdout.write(`\n${groupName(c.group)}\n`);
      }
      const alias = c.aliases.length ? `  (alias: ${c.aliases.join(', ')})` : '';
      process.stdout.write(`  ${c.code.padEnd(20)} ${c.name}${alias}\n`);
    }
    process.stdout.write(`\n${list.length} categories\n`);
    return 0;
  },
};
