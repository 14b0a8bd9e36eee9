/** The web client's editor schema (Tiptap) and the draft schema agree, hard breaks included. */
import { getSchema } from '@tiptap/core';
import { Table } from '@tiptap/extension-table/table';
import { describe, expect, it } from 'vitest';
import { draftStarterKit } from '../../client/src/editor/starter-kit.js';
import { documentSchema } from '../../server/domain/document-schema.js';

// Readers get the light reading table; drafters Tiptap's own (client/src/editor/drafting.ts).
describe.each([
  ['reading kit', () => draftStarterKit()],
  ['drafting kit', () => draftStarterKit(Table.configure({ resizable: false, renderWrapper: true }))],
])('editor schema (%s)', (_, kit) => {
  const editor = getSchema([kit()]);

  it('gives the table nodes the same attributes as the draft schema', () => {
    for (const name of ['table', 'tableRow', 'tableCell', 'tableHeader']) {
      expect(Object.keys(editor.nodes[name]!.spec.attrs ?? {}).sort(), name).toEqual(Object.keys(documentSchema.nodes[name]!.spec.attrs ?? {}).sort());
    }
  });

  it('has the draft schema’s nodes and marks, and no others', () => {
    expect(Object.keys(editor.nodes).sort()).toEqual(Object.keys(documentSchema.nodes).sort());
    expect(Object.keys(editor.marks).sort()).toEqual(Object.keys(documentSchema.marks).sort());
  });

  it('allows a hard break wherever the draft schema does (paragraphs and headings)', () => {
    for (const name of Object.keys(documentSchema.nodes)) {
      const draftAllows = Boolean(documentSchema.nodes[name]!.contentMatch.matchType(documentSchema.nodes.hardBreak!));
      const editorAllows = Boolean(editor.nodes[name]!.contentMatch.matchType(editor.nodes.hardBreak!));
      expect(editorAllows, name).toBe(draftAllows);
    }
    expect(documentSchema.nodes.paragraph!.contentMatch.matchType(documentSchema.nodes.hardBreak!)).toBeTruthy();
    expect(documentSchema.nodes.heading!.contentMatch.matchType(documentSchema.nodes.hardBreak!)).toBeTruthy();
  });

  it('lets every node hold the same children as the draft schema (table cells hold paragraphs only)', () => {
    for (const name of Object.keys(documentSchema.nodes)) {
      for (const child of Object.keys(documentSchema.nodes)) {
        const draftAllows = Boolean(documentSchema.nodes[name]!.contentMatch.matchType(documentSchema.nodes[child]!));
        const editorAllows = Boolean(editor.nodes[name]!.contentMatch.matchType(editor.nodes[child]!));
        expect(editorAllows, `${name} > ${child}`).toBe(draftAllows);
      }
    }
    expect(editor.nodes.tableCell!.spec.content).toBe('paragraph+');
    expect(Object.keys(editor.nodes.tableCell!.spec.attrs ?? {}).sort()).toEqual(Object.keys(documentSchema.nodes.tableCell!.spec.attrs ?? {}).sort());
  });
});
