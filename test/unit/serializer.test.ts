import Fastify from 'fastify';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { AnnotationSchema, PlacedAnnotationSchema } from '../../server/http/schemas/annotations.js';
import { Nullable, Words } from '../../server/http/schemas/common.js';
import { buildSerializer, serializableSchema } from '../../server/http/serializer.js';

const uuid = '7b6f3c1e-1f2a-4c3d-9e8f-0a1b2c3d4e5f';
const at = '2026-11-30T05:00:00.000Z';
const annotation = {
  id: uuid,
  roundId: uuid,
  authorId: null,
  authorName: 'Tổ 3',
  recordedBy: { id: uuid, name: 'Thư ký' },
  source: null,
  group: { name: 'Tổ 3', size: 12 },
  attachment: null,
  kind: 'suggestion',
  body: 'Nên ghi rõ "8%"\n',
  replacement: null,
  anchor: { scope: 'passage', start: 10, end: 22, relStart: null, relEnd: null, quote: { exact: 'tăng 8%', prefix: '', suffix: '.' }, section: '1' },
  status: 'active',
  disposition: { decision: 'accepted', note: '', decidedBy: uuid, decidedAt: at, appliedAt: null },
  replies: [{ id: uuid, authorId: uuid, authorName: 'B', body: 'ừ', createdAt: at }],
  createdAt: at,
  updatedAt: at,
};

describe('serializableSchema', () => {
  it('leaves no union in the annotation schemas, so no route compiles a validator to write one', () => {
    expect(JSON.stringify(serializableSchema(AnnotationSchema))).not.toMatch(/anyOf|oneOf/);
    expect(JSON.stringify(serializableSchema(PlacedAnnotationSchema))).not.toMatch(/anyOf|oneOf/);
  });

  it('writes string-literal unions as strings and [X, null] as X nullable, without changing the schema given', () => {
    const schema = Type.Object({ kind: Words(['comment', 'suggestion'] as const), at: Nullable(Type.String({ format: 'date-time' })), n: Nullable(Type.Integer()) });
    const before = JSON.stringify(schema);
    expect(serializableSchema(schema)).toEqual({
      type: 'object',
      required: ['kind', 'at', 'n'],
      properties: { kind: { type: 'string' }, at: { type: 'string', format: 'date-time', nullable: true }, n: { type: 'integer', nullable: true } },
    });
    expect(JSON.stringify(schema)).toBe(before);
  });

  it('keeps unions it cannot write without telling branches apart', () => {
    const mixed = Type.Union([Type.Integer(), Type.Literal('live')]);
    const nullableRef = Nullable(Type.Ref('Annotation'));
    const nullableUnion = Nullable(Type.Union([Type.Integer(), Type.String()]));
    for (const schema of [mixed, nullableRef, nullableUnion]) expect(serializableSchema(schema)).toEqual(JSON.parse(JSON.stringify(schema)));
  });
});

describe('answers written with buildSerializer', () => {
  it('are the JSON of the value, nulls, strings with quotes and a shared $ref schema included', async () => {
    const app = Fastify({ schemaController: { compilersFactory: { buildSerializer } } });
    app.addSchema(AnnotationSchema);
    const mixed = Type.Object({ version: Type.Union([Type.Integer(), Type.Literal('live')]) });
    app.get('/one', { schema: { response: { 200: Type.Ref('Annotation') } } }, async () => annotation);
    app.get('/many', { schema: { response: { 200: Type.Array(Type.Ref('Annotation')) } } }, async () => [annotation, { ...annotation, authorId: uuid, replacement: 'tăng 9%', disposition: null }]);
    app.get('/mixed', { schema: { response: { 200: Type.Array(mixed) } } }, async () => [{ version: 3 }, { version: 'live' }]);
    try {
      expect((await app.inject({ url: '/one' })).body).toBe(JSON.stringify(annotation));
      const many = [annotation, { ...annotation, authorId: uuid, replacement: 'tăng 9%', disposition: null }];
      expect((await app.inject({ url: '/many' })).body).toBe(JSON.stringify(many));
      expect((await app.inject({ url: '/mixed' })).json()).toEqual([{ version: 3 }, { version: 'live' }]);
    } finally {
      await app.close();
    }
  });
});
