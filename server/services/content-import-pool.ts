/**
 * A draft's initial content as a Yjs state (API.md "Documents": `content` of `POST /documents`).
 * Word files are read on a worker thread (content-import-worker.ts), one at a time: a 700-page
 * file takes about two seconds of one core, which live editing must not wait for. Text,
 * Markdown and ProseMirror JSON are read here (they are quick, and a worker's start would cost
 * more than they do).
 */
import { Piscina } from 'piscina';
import * as Y from 'yjs';
import { importContent, refuseLongDocxBase64, type ContentInput } from '../domain/content-import.js';
import { AppError } from '../errors.js';
import type { ImportResult } from './content-import-worker.js';

// Source (tsx, vitest) or compiled JavaScript: the worker sits beside this module either way.
const here = import.meta.url;
let pool: Piscina | undefined;

/** The Yjs state (`Y.encodeStateAsUpdate`) of a new draft holding `content`; throws importContent's AppErrors. */
export async function initialStateOf(content: ContentInput | undefined): Promise<Uint8Array> {
  if (content?.format === 'docx') {
    if (typeof content.value === 'string') refuseLongDocxBase64(content.value);
    pool ??= new Piscina({
      filename: new URL(here.endsWith('.ts') ? './content-import-worker.ts' : './content-import-worker.js', here).href,
      minThreads: 0,
      // Imports are occasional: queue them rather than take the cores live editing needs. An idle
      // worker exits, and never holds the process open.
      maxThreads: 1,
      idleTimeout: 60_000,
      execArgv: here.endsWith('.ts') ? ['--import', 'tsx'] : [],
    });
    const result = (await pool.run(content)) as ImportResult;
    if ('refused' in result) throw new AppError(result.refused.code, result.refused.message, result.refused.extra);
    return result.state;
  }
  const doc = new Y.Doc();
  if (content) importContent(doc, content);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}
