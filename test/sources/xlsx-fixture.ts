/**
 * Builds small but valid .xlsx files for tests: the usual OOXML parts zipped with fflate.
 * Parts are given as XML text so tests can exercise exact markup (entities, rich text, prefixes).
 */
import { writeFileSync } from 'node:fs';
import { strToU8, zipSync, type Zippable } from 'fflate';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

export interface XlsxParts {
  /** Inner XML of `<sheetData>` for the first worksheet. */
  sheetData: string;
  /** Inner XML of `<sst>` (the `<si>` items); no sharedStrings part when undefined. */
  sharedStrings?: string;
  /** Inner XML of `<sheetData>` for a second worksheet, when wanted. */
  secondSheetData?: string;
}

/** The part files of a workbook, in the order Excel writes them (shared strings after the sheets). */
export function xlsxParts(parts: XlsxParts): Record<string, string> {
  const sheets = parts.secondSheetData === undefined ? 1 : 2;
  const files: Record<string, string> = {};
  files['[Content_Types].xml'] =
    XML_HEAD +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
    (sheets === 2
      ? '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
      : '') +
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
    '</Types>';
  files['_rels/.rels'] =
    XML_HEAD +
    `<Relationships xmlns="${PKG_REL_NS}">` +
    `<Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/>` +
    '</Relationships>';
  // With two sheets the first tab points at sheet2.xml, so "first sheet" must follow the workbook.
  const firstTarget = sheets === 2 ? 'worksheets/sheet2.xml' : 'worksheets/sheet1.xml';
  files['xl/workbook.xml'] =
    XML_HEAD +
    `<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>` +
    '<sheet name="Papers" sheetId="1" r:id="rId1"/>' +
    (sheets === 2 ? '<sheet name="Other" sheetId="2" r:id="rId2"/>' : '') +
    '</sheets></workbook>';
  files['xl/_rels/workbook.xml.rels'] =
    XML_HEAD +
    `<Relationships xmlns="${PKG_REL_NS}">` +
    `<Relationship Id="rId3" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/>` +
    `<Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="${firstTarget}"/>` +
    (sheets === 2 ? `<Relationship Id="rId2" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>` : '') +
    '</Relationships>';
  files['xl/worksheets/sheet1.xml'] = worksheet(sheets === 2 ? (parts.secondSheetData ?? '') : parts.sheetData);
  if (sheets === 2) files['xl/worksheets/sheet2.xml'] = worksheet(parts.sheetData);
  if (parts.sharedStrings !== undefined) {
    files['xl/sharedStrings.xml'] = XML_HEAD + `<sst xmlns="${MAIN_NS}">${parts.sharedStrings}</sst>`;
  }
  return files;
}

function worksheet(sheetData: string): string {
  return XML_HEAD + `<worksheet xmlns="${MAIN_NS}"><dimension ref="A1:F5"/><sheetData>${sheetData}</sheetData></worksheet>`;
}

/** Zips part files into xlsx bytes; `stored` keeps entries uncompressed (useful for corrupting them). */
export function zipXlsx(files: Record<string, string>, stored = false): Uint8Array {
  const zippable: Zippable = {};
  for (const [name, text] of Object.entries(files)) zippable[name] = [strToU8(text), { level: stored ? 0 : 6 }];
  return zipSync(zippable);
}

export function writeXlsx(file: string, files: Record<string, string>, stored = false): void {
  writeFileSync(file, zipXlsx(files, stored));
}

/** Shared strings of the standard fixture; `&amp;`, numeric references and rich text included. */
export const FIXTURE_SHARED_STRINGS =
  '<si><t>aid</t></si>' + // 0
  '<si><t>categories</t></si>' + // 1
  '<si><t>main_category</t></si>' + // 2
  '<si><t>published</t></si>' + // 3
  '<si><t>summary</t></si>' + // 4
  '<si><t>title</t></si>' + // 5
  '<si><t>http://arxiv.org/abs/2101.00001v2</t></si>' + // 6
  '<si><t>cs.LG stat.ML</t></si>' + // 7
  '<si><t>cs.LG</t></si>' + // 8
  '<si><t>Deep nets &amp; friends</t></si>' + // 9
  '<si><r><rPr><b/></rPr><t>We study </t></r><r><t xml:space="preserve"> graphs &lt;fast&gt;\n in depth</t></r>' +
  '<rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si>' + // 10
  '<si><t>math.CO</t></si>' + // 11
  '<si><t>&#955;-calculus &#x3BB; &quot;q&quot; &apos;a&apos;</t></si>'; // 12

/**
 * Row 1 header; row 2 full; row 3 empty; row 4 inline + formula strings, skipped D, no title;
 * row 5 a number id, a boolean beyond the header and a title with numeric entities.
 */
export const FIXTURE_SHEET_DATA =
  '<row r="1" spans="1:6">' +
  '<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>' +
  '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c>' +
  '</row>' +
  '<row r="2">' +
  '<c r="A2" t="s"><v>6</v></c><c r="B2" t="s"><v>7</v></c><c r="C2" t="s" s="1"><v>8</v></c>' +
  '<c r="D2" s="2"><v>44197.5</v></c><c r="E2" t="s"><v>10</v></c><c r="F2" t="s"><v>9</v></c>' +
  '</row>' +
  '<row r="3"></row>' +
  '<row r="4">' +
  '<c r="A4" t="inlineStr"><is><t>2102.00002</t></is></c>' +
  '<c r="B4" t="str"><f>C4</f><v>math.CO</v></c>' +
  '<c r="C4" t="s"><v>11</v></c>' +
  '<c r="E4" t="inlineStr"><is><t xml:space="preserve">  spaced &amp; kept  </t></is></c>' +
  '</row>' +
  '<row r="5">' +
  '<c r="A5"><v>123</v></c><c r="F5" t="s"><v>12</v></c><c r="H5" t="b"><v>1</v></c>' +
  '</row>';
