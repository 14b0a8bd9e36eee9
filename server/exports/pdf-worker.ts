/**
 * Runs on a worker thread (pdf-render.ts `renderPdf`): laying out a PDF is CPU work of seconds for
 * a 100-page draft, and on the main thread it would stall every live document meanwhile.
 * The page arrives by structured clone; the PDF's bytes are moved back, not copied.
 */
import { Piscina } from 'piscina';
import type { ActivationLetters } from './activation-letters.js';
import type { ExportPage } from './page-model.js';
import { renderActivationLettersHere, renderPdfHere } from './pdf-render.js';

/** The page (or activation letters) as PDF bytes (transferred to the caller). */
export default async function run(job: ExportPage | { letters: ActivationLetters }): Promise<Uint8Array> {
  const pdf = 'letters' in job ? await renderActivationLettersHere(job.letters) : await renderPdfHere(job);
  // A Buffer may be a view of Node's shared pool; copy into a buffer of our own to move it.
  const own = new Uint8Array(pdf.byteLength);
  own.set(pdf);
  return Piscina.move(own) as unknown as Uint8Array;
}
