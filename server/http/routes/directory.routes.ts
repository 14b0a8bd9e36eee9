import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { toPublicUnit, type DirectoryService } from '../../services/directory.service.js';
import { callerOf } from '../authentication.js';
import { sendFile } from '../send-file.js';
import { MemberSchema } from '../schemas/auth.js';
import { errors, IdParams, ref } from '../schemas/common.js';
import {
  ActivationsSchema,
  CreateMemberBody,
  CreateUnitBody,
  IssueActivationsBody,
  MembershipParams,
  MembershipSchema,
  SetRoleBody,
  UnitMembersSchema,
  UnitNodeSchema,
  UnitSchema,
} from '../schemas/directory.js';

export function directoryRoutes(instance: FastifyInstance, deps: { directory: DirectoryService }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(UnitSchema);
  app.addSchema(UnitNodeSchema);
  const { directory } = deps;

  app.post(
    '/api/v1/units',
    {
      schema: {
        tags: ['units'],
        summary: 'Create a unit',
        description: 'Admin only. Creates a unit under `parentId` (`null`: a root of the hierarchy).',
        body: CreateUnitBody,
        response: { 201: ref(UnitSchema), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await directory.createUnit(callerOf(request), request.body)),
  );

  app.get(
    '/api/v1/units/:id',
    {
      schema: {
        tags: ['units'],
        summary: 'A unit',
        description: 'A unit in the caller’s line: their own, one below it, or one above it (admins see all); any other unit is 404.',
        params: IdParams,
        response: { 200: ref(UnitSchema), ...errors(400, 401, 404) },
      },
    },
    async (request) => toPublicUnit(await directory.visibleUnit(callerOf(request), request.params.id)),
  );

  app.get(
    '/api/v1/units/:id/children',
    {
      schema: {
        tags: ['units'],
        summary: 'A unit’s children',
        description: 'The units directly below a unit the caller may see, each with its own members’ count and its number of units below.',
        params: IdParams,
        response: { 200: Type.Array(ref(UnitNodeSchema)), ...errors(400, 401, 404) },
      },
    },
    async (request) => directory.children(callerOf(request), request.params.id),
  );

  app.post(
    '/api/v1/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Create a member',
        description: 'Admin only. Creates an account with a password; roles in units are given separately. A login already taken is 409.',
        body: CreateMemberBody,
        response: { 201: ref(MemberSchema), ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await directory.createMember(callerOf(request), request.body)),
  );

  app.put(
    '/api/v1/units/:unitId/members/:memberId',
    {
      schema: {
        tags: ['members'],
        summary: 'Give a member a role in a unit',
        description: 'Admin, or a secretary of that unit. Sets the member’s role (`member`, `drafter` or `secretary`) in the unit, replacing any earlier one.',
        params: MembershipParams,
        body: SetRoleBody,
        response: { 200: MembershipSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => directory.setRole(callerOf(request), request.params.unitId, request.params.memberId, request.body.role),
  );

  app.delete(
    '/api/v1/units/:unitId/members/:memberId',
    {
      schema: {
        tags: ['members'],
        summary: 'Remove a member from a unit',
        description: 'Admin, or a secretary of that unit. Open connections of the member lose the access the role gave at once.',
        params: MembershipParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await directory.removeRole(callerOf(request), request.params.unitId, request.params.memberId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/units/:id/members',
    {
      schema: {
        tags: ['members'],
        summary: 'The members of a unit',
        description: 'The unit’s own members (not those of units below) with their role and whether they have activated their account. Staff (drafters, secretaries) of the unit and administrators.',
        params: IdParams,
        response: { 200: UnitMembersSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({ members: await directory.members(callerOf(request), request.params.id) }),
  );

  app.post(
    '/api/v1/units/:id/activations',
    {
      schema: {
        tags: ['members'],
        summary: 'Reissue activation codes',
        description:
          'New one-time activation codes for the unit’s members who have no password yet (all of them, or those in `memberIds`); their earlier codes stop working. Administrators and secretaries of the unit.',
        params: IdParams,
        body: IssueActivationsBody,
        response: { 200: ActivationsSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({ activations: await directory.issueActivations(callerOf(request), request.params.id, request.body.memberIds) }),
  );
}

/** Routes of the administration screens: where they start, and activation letters to print. */
export function administrationRoutes(instance: FastifyInstance, deps: { directory: DirectoryService; publicUrl: string }): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/v1/units',
    {
      schema: {
        tags: ['units'],
        summary: 'Where administration starts',
        description: 'For an administrator the units at the top of the tree; for anyone else the units where they are a secretary, each with its own members’ count and its number of units below. Walk down with `/units/:id/children`.',
        response: { 200: Type.Array(ref(UnitNodeSchema)), ...errors(401) },
      },
    },
    async (request) => deps.directory.topUnits(callerOf(request)),
  );

  app.post(
    '/api/v1/units/:id/activations/letters',
    {
      schema: {
        tags: ['members'],
        summary: 'Reissue activation codes as letters',
        description:
          'The same as `POST /units/:id/activations`, answered as a PDF to print: one A4 letter per member with the address to open (`PUBLIC_URL`), the login, the new code and until when it works. 409 when none of the chosen members is waiting for activation.',
        params: IdParams,
        body: IssueActivationsBody,
        response: { ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const letters = await deps.directory.issueActivationLetters(callerOf(request), request.params.id, request.body.memberIds, deps.publicUrl);
      return sendFile(reply, { contentType: 'application/pdf', ...letters });
    },
  );
}
