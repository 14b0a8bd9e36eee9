import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { yXmlFragmentToProsemirrorJSON } from 'y-prosemirror';
import {
  importContent,
  MAX_PROJECTION_LENGTH,
  type ContentInput,
} from '../../server/domain/content-import.js';
import { markdownToProseMirrorJSON } from '../../server/domain/markdown-to-prosemirror.js';
import { projectFragment } from '../../server/domain/projection.js';

function imported(content: ContentInput): { doc: Y.Doc; fragment: Y.XmlFragment; text: string } {
  const doc = new Y.Doc();
  importContent(doc, content);
  const fragment = doc.getXmlFragment('default');
  return { doc, fragment, text: projectFragment(fragment).text };
}
const md = (value: string) => imported({ format: 'markdown', value });
/** The fragment as a compact tag string with exact node names and attributes (Y's toString lowercases). */
function shape(type: Y.XmlFragment | Y.XmlElement): string {
  return type
    .toArray()
    .map((node) => {
      if (node instanceof Y.XmlText) return node.toDelta().map((d: { insert: string }) => d.insert).join('');
      const element = node as Y.XmlElement;
      const attrs = Object.entries(element.getAttributes()).map(([k, v]) => ` ${k}="${String(v)}"`).join('');
      return `<${element.nodeName}${attrs}>${shape(element)}</${element.nodeName}>`;
    })
    .join('');
}
const xml = (value: string) => shape(md(value).fragment);

function refusal(content: ContentInput, doc = new Y.Doc()): { code: string; message: string } {
  try {
    importContent(doc, content);
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the import to be refused');
}

const NFD = 'Tie\u0302\u0301ng Vie\u0323\u0302t';
const NFC = 'Tiếng Việt';

describe('importContent: text', () => {
  it('makes each non-blank line a paragraph; blank lines only separate', () => {
    const { text, fragment } = imported({ format: 'text', value: 'One\r\n\r\n  \nTwo  \rThree\n\n' });
    expect(text).toBe('One\nTwo  \nThree\n');
    expect(fragment.toArray().map((n) => (n as Y.XmlElement).nodeName)).toEqual(['paragraph', 'paragraph', 'paragraph']);
  });

  it('gives empty text one empty paragraph', () => {
    expect(imported({ format: 'text', value: '' }).text).toBe('\n');
  });

  it('normalises decomposed Vietnamese to NFC', () => {
    expect(imported({ format: 'text', value: NFD }).text).toBe(`${NFC}\n`);
  });
});

describe('importContent: markdown', () => {
  it('maps headings 1–3 and clamps deeper ones to 3', () => {
    expect(xml('# A\n## B\n### C\n#### D\n###### E')).toBe(
      '<heading level="1">A</heading><heading level="2">B</heading><heading level="3">C</heading>' +
        '<heading level="3">D</heading><heading level="3">E</heading>',
    );
  });

  it('builds bullet, ordered and nested lists, keeping a start other than 1', () => {
    const { text, fragment } = md('- a\n* b\n\n3. x\n4. y\n   - y.1\n     1. y.1.1\n');
    expect(text).toBe('a\nb\nx\ny\ny.1\ny.1.1\n');
    const types = fragment.toArray().map((n) => (n as Y.XmlElement).nodeName);
    expect(types).toEqual(['bulletList', 'bulletList', 'orderedList']); // `-` and `*` are separate lists in CommonMark
    expect((fragment.get(2) as Y.XmlElement).getAttribute('start')).toBe(3);
    expect(markdownToProseMirrorJSON('1. one').content![0]).not.toHaveProperty('attrs');
    expect(shape(fragment)).toContain('<listItem><paragraph>y</paragraph><bulletList><listItem><paragraph>y.1</paragraph><orderedList start="1">');
  });

  it('builds blockquotes, including an empty one', () => {
    expect(xml('> quoted\n>\n> > deeper')).toBe(
      '<blockquote><paragraph>quoted</paragraph><blockquote><paragraph>deeper</paragraph></blockquote></blockquote>',
    );
    expect(md('>').text).toBe('\n');
  });

  it('turns **bold** and *italic* into marks that leave the text alone', () => {
    const { text, fragment } = md('Một **hai** *ba* ***bốn***');
    expect(text).toBe('Một hai ba bốn\n');
    const delta = ((fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText).toDelta();
    expect(delta).toEqual([
      { insert: 'Một ' },
      { insert: 'hai', attributes: { bold: {} } },
      { insert: ' ' },
      { insert: 'ba', attributes: { italic: {} } },
      { insert: ' ' },
      { insert: 'bốn', attributes: { bold: {}, italic: {} } },
    ]);
  });

  it('reduces code, tables, links, images and strikethrough to their plain text', () => {
    const source = [
      'See [the annex](https://example.org "t") and ![a chart](c.png) with `code` and ~~old~~.',
      '',
      '```js',
      'const x = 1;',
      '',
      'x++;',
      '```',
      '',
      '    indented code',
      '',
      '| Chỉ tiêu | Kết quả |',
      '| --- | --- |',
      '| Thu nhập | 52 |',
      '',
      '---',
    ].join('\n');
    expect(md(source).text).toBe(
      'See the annex and a chart with code and old.\nconst x = 1;\nx++;\nindented code\nChỉ tiêu\tKết quả\nThu nhập\t52\n',
    );
  });

  it('shows HTML as literal text and never as markup', () => {
    const { text, fragment } = md('<div class="x">Hi <b>there</b></div>\n\nText with <script>alert(1)</script> inline.');
    expect(text).toBe('<div class="x">Hi <b>there</b></div>\nText with <script>alert(1)</script> inline.\n');
    expect(yXmlFragmentToProsemirrorJSON(fragment)).toEqual({
      type: 'doc',
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: '<div class="x">Hi <b>there</b></div>' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'Text with <script>alert(1)</script> inline.' }] },
      ],
    });
  });

  it('turns soft breaks into spaces and hard breaks into hardBreak nodes', () => {
    const { text, fragment } = md('one\ntwo  \nthree\\\nfour');
    expect(text).toBe('one two\nthree\nfour\n');
    expect(shape(fragment)).toBe('<paragraph>one two<hardBreak></hardBreak>three<hardBreak></hardBreak>four</paragraph>');
  });

  it('gives list items that do not start with a paragraph one', () => {
    expect(md('- # Heading item\n-\n- > quote').text).toBe('Heading item\n\n\nquote\n');
  });

  it('normalises decomposed text to NFC, also when it comes from character references', () => {
    expect(md(`# ${NFD}\n\nVie&#x0323;&#x0302;t`).text).toBe(`${NFC}\nViệt\n`);
  });

  it('imports both fixtures with every heading and no markup characters', () => {
    for (const lang of ['vi', 'en']) {
      const source = readFileSync(new URL(`../../server/demo/draft-political-report.${lang}.md`, import.meta.url), "utf8");
      const { text, fragment } = md(source);
      expect(text).not.toMatch(/^#|^- |\*\*/m);
      const headings = fragment.toArray().filter((n) => (n as Y.XmlElement).nodeName === 'heading');
      expect(headings).toHaveLength(source.split('\n').filter((line) => line.startsWith('#')).length);
      expect(text.normalize('NFC')).toBe(text);
    }
  });
});

describe('importContent: prosemirror', () => {
  const doc = (...content: unknown[]) => ({ type: 'doc', content });

  it('writes a valid document as y-prosemirror would, from an object or a JSON string', () => {
    const json = doc(
      { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: NFD }] },
      { type: 'orderedList', attrs: { start: 5 }, content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'bold' }] }] }] }] },
      { type: 'paragraph', attrs: { textAlign: 'left' } },
    );
    for (const value of [json, JSON.stringify(json)]) {
      const { text, fragment } = imported({ format: 'prosemirror', value });
      expect(text).toBe(`${NFC}\nx\n\n`);
      expect(shape(fragment)).toBe(
        `<heading level="2">${NFC}</heading><orderedList start="5"><listItem><paragraph>x</paragraph></listItem></orderedList><paragraph></paragraph>`,
      );
      expect(fragment.toString()).toContain('<bold>x</bold>');
    }
  });

  it.each([
    ['an unknown node type', doc({ type: 'image', attrs: { src: 'x' } }), /doc\.content\[0\] has unknown node type "image"/],
    ['heading level 7', doc({ type: 'heading', attrs: { level: 7 }, content: [{ type: 'text', text: 'x' }] }), /heading level must be an integer from 1 to 3/],
    ['a string heading level', doc({ type: 'heading', attrs: { level: '2' } }), /heading level/],
    ['text at block level', doc({ type: 'text', text: 'loose' }), /Invalid content for node doc/],
    ['an empty text node', doc({ type: 'paragraph', content: [{ type: 'text', text: '' }] }), /text node without text/],
    ['an unknown mark', doc({ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link' }] }] }), /marks\[0\] is not a known mark/],
    ['a list item starting with a list', doc({ type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'bulletList', content: [] }] }] }), /Invalid content/],
    ['an empty document', doc(), /Invalid content for node doc/],
    ['a root that is not a doc', { type: 'paragraph' }, /must have type "doc"/],
    ['content that is not an array', { type: 'doc', content: 'x' }, /"content" that is not an array/],
    ['a non-object', [1, 2], /not a node object/],
    ['invalid JSON text', '{"type": "doc",', /not valid JSON/],
  ])('refuses %s with validation_failed', (_what, value, message) => {
    const error = refusal({ format: 'prosemirror', value });
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(message);
  });

  it('refuses nesting deeper than the limit with too_large', () => {
    let node: Record<string, unknown> = { type: 'paragraph' };
    for (let i = 0; i < 40; i++) node = { type: 'blockquote', content: [node] };
    expect(refusal({ format: 'prosemirror', value: doc(node) }).code).toBe('too_large');
  });
});

describe('importContent: limits and transactions', () => {
  it('refuses content whose projection would pass the limit, writing nothing', () => {
    const target = new Y.Doc();
    const line = 'x'.repeat(999);
    const value = Array.from({ length: MAX_PROJECTION_LENGTH / 1000 + 1 }, () => line).join('\n');
    expect(refusal({ format: 'text', value }, target)).toMatchObject({ code: 'too_large' });
    expect(target.getXmlFragment('default').length).toBe(0);
    expect(refusal({ format: 'markdown', value: 'x'.repeat(MAX_PROJECTION_LENGTH) }).code).toBe('too_large');
  });

  it('accepts content exactly at the limit', () => {
    const value = 'x'.repeat(MAX_PROJECTION_LENGTH - 1);
    expect(imported({ format: 'text', value }).text).toHaveLength(MAX_PROJECTION_LENGTH);
  });

  it('writes in one transaction', () => {
    const target = new Y.Doc();
    let updates = 0;
    target.on('update', () => updates++);
    importContent(target, { format: 'markdown', value: '# A\n\n- b\n- c\n\n> d' });
    expect(updates).toBe(1);
  });

  it('refuses to import into a document that already has content', () => {
    const { doc } = md('x');
    expect(refusal({ format: 'text', value: 'y' }, doc).code).toBe('conflict');
  });

  it('refuses an unknown format or a non-string source', () => {
    expect(refusal({ format: 'html' as 'text', value: '<p>x</p>' }).code).toBe('validation_failed');
    expect(refusal({ format: 'markdown', value: { a: 1 } }).code).toBe('validation_failed');
  });
});

describe('importContent: text that enters is cleaned, never refused', () => {
  const dirty = 'Mục\u0000 tiêu\u0007\ud83d tăng\u0085 trưởng';
  const clean = 'Mục tiêu\ufffd tăng trưởng';

  it('removes controls and replaces lone surrogates in text and Markdown', () => {
    expect(imported({ format: 'text', value: `${dirty}\r\n${NFD}` }).text).toBe(`${clean}\n${NFC}\n`);
    expect(md(`# ${dirty}\n\n**${dirty}**`).text).toBe(`${clean}\n${clean}\n`);
  });

  it('cleans ProseMirror text nodes, drops those left empty and turns their newlines into hard breaks', () => {
    const { text, fragment } = imported({
      format: 'prosemirror',
      value: {
        type: 'doc',
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: '\u0000\u0001' }, { type: 'text', text: dirty, marks: [{ type: 'bold' }] }] },
          { type: 'paragraph', content: [{ type: 'text', text: 'tăng trưởng 8%\r\ngiảm nghèo 1%\n' }] },
        ],
      },
    });
    expect(text).toBe(`${clean}\ntăng trưởng 8%\ngiảm nghèo 1%\n\n`);
    expect(shape(fragment)).toBe(`<paragraph>${clean}</paragraph><paragraph>tăng trưởng 8%<hardBreak></hardBreak>giảm nghèo 1%<hardBreak></hardBreak></paragraph>`);
  });

  it('counts hard breaks against the projection limit', () => {
    const breaks = Array.from({ length: MAX_PROJECTION_LENGTH }, () => ({ type: 'hardBreak' }));
    expect(refusal({ format: 'prosemirror', value: { type: 'doc', content: [{ type: 'paragraph', content: breaks }] } }).code).toBe('too_large');
  });
});
