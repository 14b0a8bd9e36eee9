/**
 * Reads the first sheet of an uploaded spreadsheet as rows of text cells: XLSX with ExcelJS, CSV
 * (UTF-8, comma or semicolon, as Excel in a Vietnamese locale writes it) with csv-parse. A file
 * that is neither → 400 `validation_failed`.
 */
import { parse } from 'csv-parse/sync';
import { invalid } from '../errors.js';

/** Rows of the sheet, each a list of cell texts (dates and numbers as their text). */
export async function readSheetRows(filename: string, data: Buffer): Promise<string[][]> {
  const isZip = data.length > 4 && data[0] === 0x50 && data[1] === 0x4b;
  if (isZip || /\.xlsx$/i.test(filename)) {
    if (!isZip) throw invalid(`${filename} is not an XLSX file`);
    // Loaded on the first XLSX: ExcelJS costs ~0.5 s of CPU to import, on every start and in every
    // test process that builds the app, and only an administrator's sheet import uses it.
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    try {
      await workbook.xlsx.load(data as unknown as ArrayBuffer);
    } catch {
      throw invalid(`${filename} is not a readable XLSX file`);
    }
    const sheet = workbook.worksheets[0];
    if (!sheet) throw invalid(`${filename} has no sheet`);
    const rows: string[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row, number) => {
      const cells: string[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(row.getCell(c).text ?? '');
      rows[number - 1] = cells;
    });
    return Array.from(rows, (r) => r ?? []);
  }
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  if (text.includes('\u0000')) throw invalid(`${filename} is neither CSV nor XLSX`);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  try {
    return parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false, bom: true }) as string[][];
  } catch (error) {
    throw invalid(`${filename} is not a readable CSV file: ${error instanceof Error ? error.message : String(error)}`);
  }
}
