import { randomInt, randomUUID } from 'node:crypto';

/** A server-made document id (client-made ids are used where retries must be idempotent). */
export function newId(): string {
  return randomUUID();
}

/** Alphabet without look-alikes (0/O, 1/I/L) so a code read aloud or typed on a phone survives. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A one-time binding code: 8 characters, about 40 bits, from a CSPRNG. */
export function newBindCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}
