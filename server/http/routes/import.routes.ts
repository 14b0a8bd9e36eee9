import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ImportService } from '../../services/import.service.js';
import { callerOf } from '../authentication.js';
import { errors } from '../schemas/common.js';
import { ImportBody, ImportResultSchema, ImportSheetBody, ImportSheetResultSchema } from '../schemas/import.js';
import { invalid } from '../../errors.js';

export function importRoutes(instance: FastifyInstance, deps: { importer: ImportService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/api/v1/import',
    {
      config: { upload: true },
      schema: {
        tags: ['members'],
        summary: 'Import a unit tree and its members',
        description:
          'Admin only. Creates or updates a unit tree and its members in one transaction. Units are matched by `key`, members by `login`. A member without a password gets a one-time activation code (`activations`) for `POST /api/v1/auth/activate`.',
        body: ImportBody,
        response: { 200: ImportResultSchema, ...errors(400, 401, 403, 413) },
      },
    },
    async (request) => deps.importer.importTree(callerOf(request), request.body),
  );

  app.post(
    '/api/v1/import/sheet',
    {
      config: { upload: true },
      schema: {
        tags: ['members'],
        summary: 'Import a spreadsheet of units and members',
        description:
          'Admin only. A CSV (UTF-8, comma or semicolon) or XLSX file with a header row: `unit_key`, `unit_name`, `level`, `parent_key` define units, `login`, `display_name`, `role` put members in `unit_key` (Vietnamese headers too: mã đơn vị, tên đơn vị, cấp, đơn vị cấp trên, tên đăng nhập, họ tên, vai trò). Answers the rows read and a problem per bad row; with `dryRun` or any problem nothing is imported (`imported: null`), otherwise the import runs as `POST /import` does.',
        body: ImportSheetBody,
        response: { 200: ImportSheetResultSchema, ...errors(400, 401, 403, 413) },
      },
    },
    async (request) => {
      const { filename, dataBase64, dryRun } = request.body;
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(dataBase64)) throw invalid('dataBase64 is not base64');
      return deps.importer.importSheet(callerOf(request), { filename, data: Buffer.from(dataBase64, 'base64'), dryRun: dryRun ?? false });
    },
  );
}
