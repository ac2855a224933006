import { ALIASES, ARCHIVES, CATEGORY_NAMES, GROUP_NAMES, RETIRED, type GroupId } from './categories.js';

export type { GroupId } from './categories.js';

export interface Category {
  code: string;
  name: string;
  archive: string;
  group: GroupId;
  groupName: string;
  /** True for bare archive codes (`astro-ph`, `cs`) used as archive-level labels. */
  archiveLevel: boolean;
  /** Codes arXiv treats as the same category (`math.IT` for `cs.IT`). */
  aliases: string[];
}

/** What a raw code found in metadata turns out to be. */
export type Resolution =
  | { kind: 'category'; code: string; via?: 'alias' | 'retired' | 'case' }
  | { kind: 'foreign'; scheme: 'acm' | 'msc'; code: string }
  | { kind: 'unknown'; code: string };

const archiveGroup = new Map<string, GroupId>(ARCHIVES.map(([a, , g]) => [a, g]));
const archiveName = new Map<string, string>(ARCHIVES.map(([a, n]) => [a, n]));

function archiveFromCode(code: string): string {
  const dot = code.indexOf('.');
  return dot < 0 ? code : code.slice(0, dot);
}

const byCode = new Map<string, Category>();
for (const [code, name] of CATEGORY_NAMES) {
  const archive = archiveFromCode(code);
  const group = archiveGroup.get(archive);
  if (!group) throw new Error(`taxonomy: category ${code} has no known archive`);
  byCode.set(code, { code, name, archive, group, groupName: GROUP_NAMES[group], archiveLevel: false, aliases: [] });
}
for (const [alias, canonical] of ALIASES) byCode.get(canonical)?.aliases.push(alias);
// Archives that are not also a category (`astro-ph`, `cs`) are accepted as coarse labels.
for (const [archive, name, group] of ARCHIVES) {
  if (!byCode.has(archive)) {
    byCode.set(archive, { code: archive, name, archive, group, groupName: GROUP_NAMES[group], archiveLevel: true, aliases: [] });
  }
}

const aliasTo = new Map<string, string>(ALIASES);
const retiredTo = new Map<string, string>(RETIRED);
const lowerIndex = new Map<string, string>([...byCode.keys(), ...aliasTo.keys(), ...retiredTo.keys()].map((c) => [c.toLowerCase(), c]));

/** Every category with its official name, current categories first, then archive-level labels. */
export const CATEGORIES: readonly Category[] = [...byCode.values()];

export function getCategory(code: string): Category | undefined {
  return byCode.get(code);
}

export function groupName(group: GroupId): string {
  return GROUP_NAMES[group];
}

export function archiveTitle(archive: string): string | undefined {
  return archiveName.get(archive);
}

export const GROUPS: readonly GroupId[] = Object.keys(GROUP_NAMES) as GroupId[];

// ACM CCS 1998 codes look like `I.2.7`, `H.3.3`, `F.2.2`, `D.4`, with `m` for "miscellaneous" at
// the second or third level (`I.m`, `I.2.m`); MSC 2010/2020 like `68T05`, `05C20`, `35Q55`, `68Txx`.
const ACM = /^[A-K]\.(m|\d+(\.(\d+|m))?)$/;
const MSC = /^\d\d[A-Z-](\d\d|xx|XX)$/;

/** Resolve one raw code: canonical category, alias, retired archive, foreign scheme or unknown. */
export function resolveCode(raw: string): Resolution {
  const code = raw.trim();
  if (byCode.has(code)) return { kind: 'category', code };
  const alias = aliasTo.get(code);
  if (alias) return { kind: 'category', code: alias, via: 'alias' };
  // Old-style ids put the archive in the category, sometimes with a subject class suffix (`solv-int`).
  const retired = retiredTo.get(code);
  if (retired) return { kind: 'category', code: retired, via: 'retired' };
  if (ACM.test(code)) return { kind: 'foreign', scheme: 'acm', code };
  if (MSC.test(code)) return { kind: 'foreign', scheme: 'msc', code };
  const lower = lowerIndex.get(code.toLowerCase());
  if (lower) {
    const r = resolveCode(lower);
    if (r.kind === 'category') return { kind: 'category', code: r.code, via: r.via ?? 'case' };
  }
  return { kind: 'unknown', code };
}

export interface CanonicalCategories {
  /** Canonical codes, first-seen order, duplicates (after aliasing) removed. */
  categories: string[];
  foreign: string[];
  unknown: string[];
}

/** Canonicalise a list of raw codes, keeping the primary (first valid) first. */
export function canonicalizeCategories(raw: readonly string[]): CanonicalCategories {
  const categories: string[] = [];
  const foreign: string[] = [];
  const unknown: string[] = [];
  for (const r of raw) {
    if (!r) continue;
    const res = resolveCode(r);
    if (res.kind === 'category') {
      if (!categories.includes(res.code)) categories.push(res.code);
    } else if (res.kind === 'foreign') foreign.push(res.code);
    else unknown.push(res.code);
  }
  // A bare archive next to one of its own categories adds nothing: pre-2009 astro-ph papers list
  // `astro-ph astro-ph.CO`, and the specific category is the better primary.
  const kept = categories.filter((c) => {
    const cat = byCode.get(c)!;
    return !(cat.archiveLevel && categories.some((o) => o !== c && byCode.get(o)!.archive === c));
  });
  return { categories: kept, foreign, unknown };
}

export function archiveOf(code: string): string {
  return byCode.get(code)?.archive ?? archiveFromCode(code);
}

export function groupOf(code: string): GroupId | undefined {
  return byCode.get(code)?.group ?? archiveGroup.get(archiveFromCode(code));
}
