import { describe, expect, it } from 'vitest';
import { originAllowed } from '../../server/http/origin.js';
import { canonicaliseFields } from '../../server/http/canonical-ids.js';

describe('originAllowed', () => {
  const allowed = ['https://draft.example.org'];
  it('lets requests without Origin, listed origins and the own origin (as the browser reached it) in', () => {
    expect(originAllowed(undefined, 'x:1', allowed)).toBe(true);
    expect(originAllowed('https://draft.example.org', 'other:8080', allowed)).toBe(true);
    expect(originAllowed('https://DRAFT.example.org:443', 'other:8080', allowed)).toBe(true);
    expect(originAllowed('http://localhost:5173', 'localhost:5173', allowed)).toBe(true);
  });
  it('refuses other sites, "null" and garbage', () => {
    expect(originAllowed('https://evil.example', 'draft.example.org', allowed)).toBe(false);
    expect(originAllowed('https://draft.example.org.evil.example', 'x', allowed)).toBe(false);
    expect(originAllowed('http://draft.example.org', 'x', allowed)).toBe(false);
    expect(originAllowed('null', 'draft.example.org', allowed)).toBe(false);
    expect(originAllowed('not a url', undefined, allowed)).toBe(false);
  });
});

describe('canonicaliseFields', () => {
  const upper = 'A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D';
  const lower = upper.toLowerCase();
  it('lower-cases the UUIDs of id fields, id lists, comma lists and id-keyed objects, and nothing else', () => {
    const body = {
      id: upper,
      unitId: upper,
      roundIds: [upper, 'x'],
      annotationIds: `${upper},${upper}`,
      itemNotes: { [upper]: `ghi chú ${upper}` },
      onBehalfOf: { memberId: upper },
      body: upper,
    };
    canonicaliseFields(body, 0);
    expect(body).toEqual({
      id: lower,
      unitId: lower,
      roundIds: [lower, 'x'],
      annotationIds: `${lower},${lower}`,
      itemNotes: { [lower]: `ghi chú ${upper}` },
      onBehalfOf: { memberId: lower },
      body: upper,
    });
  });
});
