/** Reading exported files back in tests: a DOCX's XML parts, a PDF's text and fonts. */
import { Worker } from 'node:worker_threads';
import JSZip from 'jszip';

/** The text of one part of a DOCX (e.g. `word/document.xml`), or undefined when it has none. */
export async function docxPart(buffer: Buffer, path: string): Promise<string | undefined> {
  return (await JSZip.loadAsync(buffer)).file(path)?.async('string');
}

/** The XML text contents of the elements named `tag` (e.g. `w:delText`), in order. */
export function xmlTexts(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`, 'g'))].map((m) => decodeXml(m[1]!));
}

const decodeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Every page's text (items joined by spaces, pages by newlines), each page's text alone, and the fonts the PDF uses. */
export async function pdfContent(buffer: Buffer): Promise<{ text: string; pages: number; pageTexts: string[]; fonts: string[] }> {
  const { pages, numPages } = await readPdfText(new Uint8Array(buffer));
  // BaseFont names of embedded fonts: subset-tagged ("ABCDEF+Tinos-Bold").
  const raw = buffer.toString('latin1');
  const embedded = [...raw.matchAll(/\/BaseFont\s*\/([A-Z]{6}\+[^\s/>]+)/g)].map((m) => m[1]!);
  return { text: pages.join('\n').replace(/\s+/g, ' '), pages: numPages, pageTexts: pages.map((p) => p.replace(/\s+/g, ' ')), fonts: [...new Set(embedded)] };
}

type PdfAnswer = { id: number; pages: string[]; numPages: number } | { id: number; error: string };
let pdfWorker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, (answer: PdfAnswer) => void>();

/** pdfjs on a worker thread (pdf-text-worker.mjs says why), started once and never holding the process open. */
function readPdfText(data: Uint8Array): Promise<{ pages: string[]; numPages: number }> {
  if (!pdfWorker) {
    pdfWorker = new Worker(new URL('./pdf-text-worker.mjs', import.meta.url));
    pdfWorker.unref();
    pdfWorker.on('message', (answer: PdfAnswer) => {
      waiting.get(answer.id)?.(answer);
      waiting.delete(answer.id);
    });
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, (answer) => ('error' in answer ? reject(new Error(answer.error)) : resolve(answer)));
    pdfWorker!.postMessage({ id, data }, [data.buffer as ArrayBuffer]);
  });
}
