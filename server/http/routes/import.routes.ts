import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ImportService } from '../../services/import.service.js';
import { callerOf } from '../authentication.js';
import { DisplayName, errors, Login, Password, RoleSchema, UnitLevel, UnitName } from '../schemas.js';

const Key = Type.String({ minLength: 1, maxLength: 100 });
const Counts = Type.Object({ created: Type.Integer(), updated: Type.Integer() });

export function importRoutes(instance: FastifyInstance, deps: { importer: ImportService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/api/v1/import',
    {
      schema: {
        tags: ['members'],
        description: 'Creates or updates a unit tree and its members in one transaction. Units are matched by `key`, members by `login`.',
        body: Type.Object(
          {
            units: Type.Array(
              Type.Object({ key: Key, name: UnitName, level: UnitLevel, parentKey: Type.Union([Key, Type.Null()]) }, { additionalProperties: false }),
              { maxItems: 20_000 },
            ),
            members: Type.Array(
              Type.Object(
                { login: Login, displayName: DisplayName, password: Type.Optional(Password), unitKey: Key, role: RoleSchema },
                { additionalProperties: false },
              ),
              { maxItems: 500_000 },
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            units: Counts,
            members: Counts,
            memberships: Type.Integer(),
            activations: Type.Array(Type.Object({ login: Type.String(), code: Type.String() })),
          }),
          ...errors(400, 401, 403, 413),
        },
      },
    },
    async (request) => deps.importer.importTree(callerOf(request), request.body),
  );
}
