// Fake KMS (JSON 1.1, `kms`, target prefix TrentService): GenerateDataKey and Decrypt. Keys come into
// being on first use (or through seedKey); ciphertexts are sealed with the key's own AES-256-GCM material
// and bound to the encryption context, so a wrong key or context fails as InvalidCiphertextException.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AwsServiceError } from '../errors.js';
import type { AuthorizationRequest, FakeContext, ResourceRecord, ServiceHandler } from '../types.js';
import { RequestMembers, unknownOperation } from './json-protocol.js';

export interface KmsKey {
  KeyId: string;
  Arn: string;
  material: Buffer;
}

const MAGIC = Buffer.from('FKMS');

function contextBytes(context: Record<string, string> | undefined): Buffer {
  const entries = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(entries));
}

export class KmsFake implements ServiceHandler {
  readonly signingName = 'kms';
  readonly protocol = 'json' as const;
  readonly targetPrefix = 'TrentService';

  /** Keys by key id. */
  readonly keys = new Map<string, KmsKey>();

  constructor(private readonly ctx: FakeContext) {}

  isMutating(action: string): boolean {
    return action === 'CreateKey';
  }

  inventory(): ResourceRecord[] {
    return [...this.keys.values()].map((k) => ({ kind: 'kms:key', name: k.KeyId }));
  }

  /** A key by id, ARN or alias name, created the first time it is named. */
  seedKey(id: string): KmsKey {
    const keyId = id.includes(':key/')
      ? id.slice(id.indexOf(':key/') + 5)
      : id.replace(/^arn:.*?:(alias\/)/, '$1');
    let key = this.keys.get(keyId);
    if (!key) {
      key = { KeyId: keyId, Arn: this.ctx.arn('kms', `key/${keyId}`), material: randomBytes(32) };
      this.keys.set(keyId, key);
    }
    return key;
  }

  /** GenerateDataKey without the wire: the plaintext and its ciphertext. */
  generateDataKey(
    keyId: string,
    bytes: number,
    context?: Record<string, string>,
  ): { plaintext: Buffer; ciphertext: Buffer; key: KmsKey } {
    const key = this.seedKey(keyId);
    const plaintext = randomBytes(bytes);
    return { plaintext, ciphertext: this.seal(key, plaintext, context), key };
  }

  /** Decrypt without the wire; throws InvalidCiphertextException for a foreign blob, key or context. */
  decrypt(ciphertext: Uint8Array, context?: Record<string, string>, keyId?: string): Buffer {
    const blob = Buffer.from(ciphertext);
    const invalid = () => new AwsServiceError('InvalidCiphertextException', 'The ciphertext is invalid.');
    if (blob.length < 4 + 2 + 12 + 16 || !blob.subarray(0, 4).equals(MAGIC)) throw invalid();
    const idLength = blob.readUInt16BE(4);
    const id = blob.subarray(6, 6 + idLength).toString('utf8');
    const key = this.keys.get(id);
    if (!key || (keyId !== undefined && this.seedKeyIdOf(keyId) !== id)) throw invalid();
    const at = 6 + idLength;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.material, blob.subarray(at, at + 12));
      decipher.setAAD(contextBytes(context));
      decipher.setAuthTag(blob.subarray(blob.length - 16));
      return Buffer.concat([decipher.update(blob.subarray(at + 12, blob.length - 16)), decipher.final()]);
    } catch {
      throw invalid();
    }
  }

  /** What IAM authorises: the key, by its ARN (a key id or alias resolved as the fake knows it). */
  authorize(action: string, params: Record<string, unknown>): AuthorizationRequest[] {
    const id = typeof params.KeyId === 'string' ? params.KeyId : '';
    const arn = id.startsWith('arn:') ? id : (this.keys.get(id)?.Arn ?? this.ctx.arn('kms', `key/${id}`));
    return [{ action: `kms:${action}`, resource: arn, context: {} }];
  }

  handle(action: string, params: Record<string, unknown>): unknown {
    const m = new RequestMembers(params, 'ValidationException');
    switch (action) {
      case 'GenerateDataKey': {
        const keyId = m.string('KeyId');
        const spec = m.optString('KeySpec');
        const count = m.optNumber('NumberOfBytes');
        if (spec !== undefined && count !== undefined)
          throw m.invalid('Specify either KeySpec or NumberOfBytes, not both.');
        const bytes = count ?? (spec === 'AES_256' ? 32 : spec === 'AES_128' ? 16 : undefined);
        if (bytes === undefined) throw m.invalid('KeySpec or NumberOfBytes is required.');
        if (!Number.isInteger(bytes) || bytes < 1 || bytes > 1024)
          throw m.invalid('NumberOfBytes must be between 1 and 1024.');
        const out = this.generateDataKey(keyId, bytes, this.contextOf(params));
        return {
          KeyId: out.key.Arn,
          Plaintext: out.plaintext.toString('base64'),
          CiphertextBlob: out.ciphertext.toString('base64'),
        };
      }
      case 'Decrypt': {
        const blob = Buffer.from(m.string('CiphertextBlob'), 'base64');
        const keyId = m.optString('KeyId');
        const plaintext = this.decrypt(blob, this.contextOf(params), keyId);
        const id = blob.subarray(6, 6 + blob.readUInt16BE(4)).toString('utf8');
        return { KeyId: this.keys.get(id)!.Arn, Plaintext: plaintext.toString('base64') };
      }
      default:
        throw unknownOperation('kms', action);
    }
  }

  private seedKeyIdOf(keyId: string): string {
    return this.seedKey(keyId).KeyId;
  }

  private contextOf(params: Record<string, unknown>): Record<string, string> | undefined {
    const context = params.EncryptionContext;
    if (context === undefined || context === null) return undefined;
    if (typeof context !== 'object' || Object.values(context).some((v) => typeof v !== 'string'))
      throw new AwsServiceError('ValidationException', 'EncryptionContext must map strings to strings.');
    return context as Record<string, string>;
  }

  private seal(key: KmsKey, plaintext: Buffer, context?: Record<string, string>): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.material, nonce);
    cipher.setAAD(contextBytes(context));
    const id = Buffer.from(key.KeyId);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(id.length);
    return Buffer.concat([
      MAGIC,
      length,
      id,
      nonce,
      cipher.update(plaintext),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
  }
}
