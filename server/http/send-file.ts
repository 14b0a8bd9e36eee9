/** Answers with an exported file (exports.service.ts); the `lang` query parameter is schemas/common.ts's ExportLang. */
import type { FastifyReply } from 'fastify';
import type { ExportFile } from '../services/exports.service.js';

/** Sends the file as an attachment that no cache keeps (its footer names who downloaded it). */
export function sendFile(reply: FastifyReply, file: ExportFile): FastifyReply {
  return reply
    .type(file.contentType)
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .header('cache-control', 'no-store')
    .send(file.body);
}
