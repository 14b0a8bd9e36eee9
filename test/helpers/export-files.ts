/** Reading exported files back in tests: a DOCX's XML parts, a PDF's text and fonts. */
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

/** Every page's text (items joined by spaces, pages by newlines) and the fonts the PDF uses. */
export async function pdfContent(buffer: Buffer): Promise<{ text: string; pages: number; fonts: string[] }> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const pdf = await getDocument({ data: new Uint8Array(buffer), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  const fonts = new Set<string>();
  for (let i = 1; i <= pdf.numPages; i++) {
    const page = await pdf.getPage(i);
    const content = await page.getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
    for (const style of Object.values(content.styles)) fonts.add(style.fontFamily);
  }
  // BaseFont names of embedded fonts: subset-tagged ("ABCDEF+Tinos-Bold").
  const raw = buffer.toString('latin1');
  const embedded = [...raw.matchAll(/\/BaseFont\s*\/([A-Z]{6}\+[^\s/>]+)/g)].map((m) => m[1]!);
  await pdf.destroy();
  return { text: pages.join('\n').replace(/\s+/g, ' '), pages: pdf.numPages, fonts: [...new Set(embedded)] };
}
