// Reads a PDF's text on a worker thread. pdfjs-dist's legacy build (the one that runs on Node)
// installs core-js polyfills over the realm's globals, among them a JavaScript JSON.parse and
// JSON.stringify: in the test process, which also runs the server, every later request body and
// answer went through them (a 27 MB body: 15 s, 11 s of it garbage collection). A worker has a
// realm of its own. Plain JavaScript, so the worker needs no TypeScript loader.
import { parentPort } from 'node:worker_threads';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

parentPort.on('message', async ({ id, data }) => {
  try {
    const pdf = await getDocument({ data, useSystemFonts: false, isEvalSupported: false }).promise;
    const pages = [];
    for (let i = 1; i <= pdf.numPages; i++) {
      const page = await pdf.getPage(i);
      const content = await page.getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
    }
    const numPages = pdf.numPages;
    await pdf.destroy();
    parentPort.postMessage({ id, pages, numPages });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error?.stack ?? error) });
  }
});
