/** Schemas of units, members and memberships (API.md "Auth, units, members"). */
import { Type, type Static } from '@sinclair/typebox';
import { DisplayName, Login, Password, RoleSchema } from './auth.js';
import { Nullable, Uuid } from './common.js';

export const UnitLevel = Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9_-]*$' });
export const UnitName = Type.String({ minLength: 1, maxLength: 200 });

export const UnitSchema = Type.Object({ id: Uuid, name: Type.String(), level: Type.String(), parentId: Nullable(Uuid) }, { $id: 'Unit' });
export type Unit = Static<typeof UnitSchema>;

/** A unit as the administration tree lists it (`GET /units`, `/units/:id/children`). */
export const UnitNodeSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    level: Type.String(),
    parentId: Nullable(Uuid),
    memberCount: Type.Integer({ minimum: 0, description: 'Members in this unit itself (not below it).' }),
    childCount: Type.Integer({ minimum: 0, description: 'Units directly below it.' }),
  },
  { $id: 'UnitNode' },
);
export type UnitNode = Static<typeof UnitNodeSchema>;

export const CreateUnitBody = Type.Object({ name: UnitName, level: UnitLevel, parentId: Nullable(Uuid) }, { additionalProperties: false });
export const CreateMemberBody = Type.Object({ login: Login, displayName: DisplayName, password: Password }, { additionalProperties: false });

export const MembershipParams = Type.Object({ unitId: Uuid, memberId: Uuid });
export const SetRoleBody = Type.Object({ role: RoleSchema }, { additionalProperties: false });
export const MembershipSchema = Type.Object({ unitId: Uuid, memberId: Uuid, role: RoleSchema });
export type Membership = Static<typeof MembershipSchema>;

/** A unit's own member as its staff see them: role, and whether the account is activated. */
export const UnitMemberSchema = Type.Object({ id: Uuid, login: Type.String(), displayName: Type.String(), role: RoleSchema, activated: Type.Boolean() });
export type UnitMember = Static<typeof UnitMemberSchema>;
export const UnitMembersSchema = Type.Object({ members: Type.Array(UnitMemberSchema) });
export type UnitMembers = Static<typeof UnitMembersSchema>;

export const IssueActivationsBody = Type.Object(
  { memberIds: Type.Optional(Type.Array(Uuid, { maxItems: 100_000, uniqueItems: true })) },
  { additionalProperties: false },
);
/** One-time activation codes, by login. */
export const ActivationsSchema = Type.Object({ activations: Type.Array(Type.Object({ login: Type.String(), code: Type.String() })) });
export type Activations = Static<typeof ActivationsSchema>;
