import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../../services/auth.service.js';
import { callerOf } from '../authentication.js';
import { errors, Login, MemberSchema, Password, RoleSchema, Uuid } from '../schemas.js';

const LoginResult = Type.Object({ token: Type.String(), expiresAt: Type.String({ format: 'date-time' }), member: Type.Ref('Member') });

export function authRoutes(instance: FastifyInstance, deps: { auth: AuthService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(MemberSchema);

  app.post(
    '/api/v1/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        body: Type.Object({ login: Login, password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
        response: { 200: LoginResult, ...errors(400, 401, 429) },
      },
    },
    async (request) => deps.auth.login(request.body.login, request.body.password, request.ip),
  );

  app.post(
    '/api/v1/auth/activate',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        body: Type.Object({ login: Login, code: Type.String({ minLength: 4, maxLength: 32 }), password: Password }, { additionalProperties: false }),
        response: { 200: LoginResult, ...errors(400, 401, 429) },
      },
    },
    async (request) => deps.auth.activate(request.body.login, request.body.code, request.body.password, request.ip),
  );

  app.post('/api/v1/auth/logout', { schema: { tags: ['auth'], response: { 204: Type.Null(), ...errors(401) } } }, async (request, reply) => {
    await deps.auth.logout(callerOf(request).sessionId);
    return reply.status(204).send(null);
  });

  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['auth'],
        response: {
          200: Type.Object({
            member: Type.Ref('Member'),
            isAdmin: Type.Boolean(),
            memberships: Type.Array(Type.Object({ unitId: Uuid, role: RoleSchema })),
          }),
          ...errors(401),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return {
        member: { id: caller.memberId, login: caller.login, displayName: caller.displayName },
        isAdmin: caller.isAdmin,
        memberships: caller.memberships.map((m) => ({ unitId: m.unitId, role: m.role })),
      };
    },
  );
}
