/**
 * Runs on a worker thread (content-import-pool.ts): reading a Word file into a draft is CPU work
 * of a second or two for the largest files the limits let in, and on the main thread it would
 * stall every live document meanwhile. The content arrives and the new draft's Yjs state goes
 * back by structured clone. A refusal comes back as data (an AppError's class does
 * not cross threads) and is thrown again on the caller's side.
 */
import * as Y from 'yjs';
import { importContent, type ContentInput } from '../domain/content-import.js';
import { AppError } from '../errors.js';

export type ImportResult = { state: Uint8Array } | { refused: { code: AppError['code']; message: string; extra: Record<string, unknown> } };

export default function run(content: ContentInput): ImportResult {
  const doc = new Y.Doc();
  try {
    importContent(doc, content);
  } catch (error) {
    if (error instanceof AppError) return { refused: { code: error.code, message: error.message, extra: error.extra } };
    throw error;
  }
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  // Cloned back (a few MiB at most): Piscina moves only a transferable returned on its own.
  return { state };
}
