/**
 * Setup file (vitest.config.ts): `toEqual` / `toStrictEqual` compare two byte arrays of the same
 * class (Uint8Array, Buffer) with `Buffer.compare` instead of element by element. The answer is the
 * same (equal when every byte is); the default walk costs about 7 s of CPU per MiB, and the
 * collaboration tests compare Yjs states of several MiB. Anything else is left to vitest.
 */
import { expect } from 'vitest';

function sameBytes(a: unknown, b: unknown): boolean | undefined {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.constructor !== b.constructor) return undefined;
  return a.byteLength === b.byteLength && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

// Once per worker process: with `isolate: false` setup files run again for every test file.
const installed = Symbol.for('draftroom.test.byteEquality');
const registry = globalThis as { [installed]?: true };
if (!registry[installed]) {
  expect.addEqualityTesters([sameBytes]);
  registry[installed] = true;
}
