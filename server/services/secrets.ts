/**
 * Passwords, bearer tokens and activation codes. Passwords are argon2id with OWASP's minimum
 * parameters (19 MiB, 2 passes, 1 lane). Tokens and codes are random and high-entropy, so a
 * sha256 of them is enough to store: a leaked table reveals nothing usable.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import argon2 from 'argon2';

const argonOptions = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password.normalize('NFC'), argonOptions);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies `password` against `hash`. With no hash (unknown login, or not yet activated) it
 * verifies against a dummy hash anyway so both answers take the same time.
 */
export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  const target = hash ?? (await (dummyHash ??= hashPassword(randomBytes(16).toString('hex'))));
  const ok = await argon2.verify(target, password.normalize('NFC')).catch(() => false);
  return ok && hash != null;
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

// Crockford-style alphabet: no 0/O, 1/I/L confusion when a code is read out or typed on a phone.
const codeAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A 12-character activation code (≈ 59 bits), shown as XXXX-XXXX-XXXX. */
export function newActivationCode(): string {
  let code = '';
  for (let i = 0; i < 12; i++) code += codeAlphabet[randomInt(codeAlphabet.length)];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** Codes are compared case-insensitively and without separators. */
export function normaliseActivationCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}
