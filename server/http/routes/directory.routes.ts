import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { toPublicUnit, type DirectoryService } from '../../services/directory.service.js';
import { callerOf } from '../authentication.js';
import { DisplayName, errors, IdParams, Login, Password, RoleSchema, UnitLevel, UnitName, UnitSchema, Uuid } from '../schemas.js';

const MembershipParams = Type.Object({ unitId: Uuid, memberId: Uuid });

export function directoryRoutes(instance: FastifyInstance, deps: { directory: DirectoryService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(UnitSchema);
  const { directory } = deps;

  app.post(
    '/api/v1/units',
    {
      schema: {
        tags: ['units'],
        body: Type.Object({ name: UnitName, level: UnitLevel, parentId: Type.Union([Uuid, Type.Null()]) }, { additionalProperties: false }),
        response: { 201: Type.Ref('Unit'), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await directory.createUnit(callerOf(request), request.body)),
  );

  app.get(
    '/api/v1/units/:id',
    { schema: { tags: ['units'], params: IdParams, response: { 200: Type.Ref('Unit'), ...errors(400, 401, 404) } } },
    async (request) => toPublicUnit(await directory.visibleUnit(callerOf(request), request.params.id)),
  );

  app.get(
    '/api/v1/units/:id/children',
    { schema: { tags: ['units'], params: IdParams, response: { 200: Type.Array(Type.Ref('Unit')), ...errors(400, 401, 404) } } },
    async (request) => directory.children(callerOf(request), request.params.id),
  );

  app.post(
    '/api/v1/members',
    {
      schema: {
        tags: ['members'],
        body: Type.Object({ login: Login, displayName: DisplayName, password: Password }, { additionalProperties: false }),
        response: { 201: Type.Ref('Member'), ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await directory.createMember(callerOf(request), request.body)),
  );

  app.put(
    '/api/v1/units/:unitId/members/:memberId',
    {
      schema: {
        tags: ['members'],
        params: MembershipParams,
        body: Type.Object({ role: RoleSchema }, { additionalProperties: false }),
        response: { 200: Type.Object({ unitId: Uuid, memberId: Uuid, role: RoleSchema }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => directory.setRole(callerOf(request), request.params.unitId, request.params.memberId, request.body.role),
  );

  app.delete(
    '/api/v1/units/:unitId/members/:memberId',
    { schema: { tags: ['members'], params: MembershipParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404) } } },
    async (request, reply) => {
      await directory.removeRole(callerOf(request), request.params.unitId, request.params.memberId);
      return reply.status(204).send(null);
    },
  );
}
