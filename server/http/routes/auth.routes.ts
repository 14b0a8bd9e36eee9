import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuthService } from '../../services/auth.service.js';
import { callerOf } from '../authentication.js';
import { ActivateBody, LoginBody, LoginResultSchema, MemberSchema, MeSchema } from '../schemas/auth.js';
import { errors } from '../schemas/common.js';

export function authRoutes(instance: FastifyInstance, deps: { auth: AuthService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(MemberSchema);

  app.post(
    '/api/v1/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Log in',
        description: 'Checks a login and password and answers a bearer token for `Authorization: Bearer <token>`. Failed attempts are rate limited per login and per address (429 with `retryAfterSeconds`).',
        body: LoginBody,
        response: { 200: LoginResultSchema, ...errors(400, 401, 429) },
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
        summary: 'Activate an imported account',
        description: 'Sets the password of a member imported without one, with the one-time activation code the import gave; answers what log-in answers. A code works once and expires.',
        body: ActivateBody,
        response: { 200: LoginResultSchema, ...errors(400, 401, 429) },
      },
    },
    async (request) => deps.auth.activate(request.body.login, request.body.code, request.body.password, request.ip),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log out',
        description: 'Revokes the caller’s token at once: later calls and open connections with it are refused (401, close code 4401).',
        response: { 204: Type.Null(), ...errors(401) },
      },
    },
    async (request, reply) => {
      await deps.auth.logout(callerOf(request).sessionId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The caller',
        description: 'Who the token belongs to, whether they administer the service, and their role in each unit with the unit’s path from the root (so a client can tell which units lie inside a round’s scope).',
        response: { 200: MeSchema, ...errors(401) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return {
        member: { id: caller.memberId, login: caller.login, displayName: caller.displayName },
        isAdmin: caller.isAdmin,
        memberships: caller.memberships.map((m) => ({ unitId: m.unitId, role: m.role, path: [...m.path] })),
      };
    },
  );
}
