/** Schemas of log-in, activation and the caller (API.md "Auth, units, members"). */
import { Type, type Static } from '@sinclair/typebox';
import { roles } from '../../domain/vocabulary.js';
import { DateTime, ref, Uuid, Words } from './common.js';

export const RoleSchema = Words(roles);
export const Login = Type.String({ minLength: 2, maxLength: 64 });
export const Password = Type.String({ minLength: 8, maxLength: 256 });
export const DisplayName = Type.String({ minLength: 1, maxLength: 200 });

export const MemberSchema = Type.Object({ id: Uuid, login: Type.String(), displayName: Type.String() }, { $id: 'Member' });
export type Member = Static<typeof MemberSchema>;

export const LoginBody = Type.Object({ login: Login, password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });
export const ActivateBody = Type.Object({ login: Login, code: Type.String({ minLength: 4, maxLength: 32 }), password: Password }, { additionalProperties: false });

export const LoginResultSchema = Type.Object({ token: Type.String(), expiresAt: DateTime, member: ref(MemberSchema) });
export type LoginResult = Static<typeof LoginResultSchema>;

export const MeSchema = Type.Object({
  member: ref(MemberSchema),
  isAdmin: Type.Boolean(),
  memberships: Type.Array(
    Type.Object({
      unitId: Uuid,
      role: RoleSchema,
      path: Type.Array(Uuid, { description: 'The unit ids from the root of the tree down to this unit (the unit last).' }),
    }),
  ),
});
export type Me = Static<typeof MeSchema>;
