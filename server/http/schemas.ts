/** Schemas shared by several routes. Resource-specific ones live next to their routes. */
import { Type, type TSchema } from '@sinclair/typebox';

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });

export const MemberSchema = Type.Object({ id: Uuid, login: Type.String(), displayName: Type.String() }, { $id: 'Member' });
export const UnitSchema = Type.Object(
  { id: Uuid, name: Type.String(), level: Type.String(), parentId: Type.Union([Uuid, Type.Null()]) },
  { $id: 'Unit' },
);
export const RoleSchema = Type.Union([Type.Literal('member'), Type.Literal('drafter'), Type.Literal('secretary')]);

export const Login = Type.String({ minLength: 2, maxLength: 64 });
export const Password = Type.String({ minLength: 8, maxLength: 256 });
export const DisplayName = Type.String({ minLength: 1, maxLength: 200 });
export const UnitLevel = Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9_-]*$' });
export const UnitName = Type.String({ minLength: 1, maxLength: 200 });

const problem = Type.Ref('Problem');

/** The error answers a route may give, for the OpenAPI document. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, problem]));
}
