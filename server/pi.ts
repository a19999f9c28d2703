import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Personal information at rest (docs/domain.md §8): AES-256-GCM ciphertext plus an HMAC-SHA256 keyed hash for
 * lookups and duplicate checks. The master key comes from configuration (`PI_KEY`, 32 bytes base64);
 * the local gateway generates one into the data folder.
 */
export interface SealedValue {
  /** base64 `iv.tag.ciphertext` */
  enc: string;
  /** hex HMAC of the normalised value */
  hash: string;
  /** display form for lists */
  masked: string;
}

let cached: { key: string; encKey: Buffer; macKey: Buffer } | null = null;

function keys(): { encKey: Buffer; macKey: Buffer } {
  const raw = process.env.PI_KEY;
  if (!raw) throw new Error('PI_KEY is not configured');
  if (cached && cached.key === raw) return cached;
  const master = Buffer.from(raw, 'base64');
  if (master.length !== 32) throw new Error('PI_KEY must be 32 bytes, base64');
  const encKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'pi-encryption', 32));
  const macKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'pi-lookup-hash', 32));
  cached = { key: raw, encKey, macKey };
  return cached;
}

/** Keyed hash used to find a merchant or staff member by mobile/ID without decrypting. */
export function hashPi(value: string): string {
  return createHmac('sha256', keys().macKey).update(value.trim().toUpperCase()).digest('hex');
}

/** Encrypts a value and returns it with its lookup hash and masked form. */
export function sealPi(value: string, mask: (v: string) => string): SealedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys().encKey, iv);
  const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return { enc: `${iv.toString('base64')}.${tag.toString('base64')}.${data.toString('base64')}`, hash: hashPi(value), masked: mask(value) };
}

/** Decrypts a sealed value; only an entitled, audited detail view calls this. */
export function openPi(sealed: Pick<SealedValue, 'enc'>): string {
  const [iv, tag, data] = sealed.enc.split('.').map((p) => Buffer.from(p, 'base64'));
  const decipher = createDecipheriv('aes-256-gcm', keys().encKey, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
}

/** A fresh random master key, base64 (the local default written into the data folder). */
export function generatePiKey(): string {
  return randomBytes(32).toString('base64');
}
