import { ArchiveShapeError, assertArchiveShape, BACKUP_SCHEMA_VERSION, BackupArchive, migrateArchive } from './backup-archive';
import { BackupSigner } from './backup-signer';
import { canonicalJson } from './canonical-json';

const SECRET = 'test-jwt-secret-of-at-least-32-characters!!';
const signer = new BackupSigner({ jwt: { secret: SECRET } } as never);

/** A small archive fixture (schema version 2). */
function fixture(): BackupArchive {
  const manifest = {
    format: 'control-plane-tenant-backup' as const,
    schemaVersion: 2,
    tenantId: '0b5f4c1e-8a0e-4d61-9c3b-8b1f2f4d6a10',
    tenantSlug: 'acme',
    createdAt: '2026-01-31T10:00:00.000Z',
    createdBy: { id: '5e2b7c94-1f0a-4c3d-8e6b-9a1d2f3c4b50', email: 'admin@acme.example' },
    includesCredentials: false,
    counts: { users: 1, settings: 1 },
  };
  const data = {
    users: [{ id: '7b0c5c2e-2b1e-4d0f-9b8e-6a1f0c3d2e11', email: 'jane@acme.example', fullName: 'Jane Doe', role: 'member', isActive: true, mustChangePassword: false }],
    settings: [{ id: manifest.tenantId, slug: 'acme', name: 'Acme Inc.', timezone: 'Europe/Berlin', currency: 'EUR', locale: 'de-DE' }],
  };
  return { manifest, data, signature: signer.sign({ manifest, data }) };
}

describe('canonicalJson', () => {
  it('sorts members by key, drops undefined, writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, d: { z: 0, y: 'é' } })).toBe('{"a":[true,null,"x"],"b":1,"d":{"y":"é","z":0}}');
  });
  it('has one form for equal documents, whatever their formatting', () => {
    const doc = JSON.parse('{ "z": { "b": 2, "a": 1 }, "a": [ 1, 2 ] }');
    expect(canonicalJson(doc)).toBe(canonicalJson(JSON.parse(JSON.stringify({ a: [1, 2], z: { a: 1, b: 2 } }, null, 2))));
  });
  it('refuses non-finite numbers', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
  });
});

describe('BackupSigner', () => {
  it('signs the fixture with the documented scheme (HMAC-SHA256 under HKDF(JWT_SECRET), v1 prefix)', () => {
    const a = fixture();
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const expected = createHmac('sha256', BackupSigner.deriveKey(SECRET))
      .update(`control-plane-tenant-backup/v1\n${canonicalJson(a.data)}\n${canonicalJson(a.manifest)}`)
      .digest('base64url');
    expect(a.signature).toBe(`v1.${expected}`);
    expect(signer.verify(a)).toBe(true);
  });
  it('verifies an archive re-formatted by an editor', () => {
    const a = fixture();
    expect(signer.verify(JSON.parse(JSON.stringify(a, null, 4)) as BackupArchive)).toBe(true);
  });
  it('refuses a tampered archive: one byte of data, the manifest, or the signature', () => {
    const text = JSON.stringify(fixture());
    const oneByte = JSON.parse(text.replace('Jane Doe', 'Jane Dow')) as BackupArchive;
    expect(signer.verify(oneByte)).toBe(false);
    const otherTenant = JSON.parse(text) as BackupArchive;
    otherTenant.manifest.tenantId = '11111111-1111-4111-8111-111111111111';
    expect(signer.verify(otherTenant)).toBe(false);
    const badSig = JSON.parse(text) as BackupArchive;
    badSig.signature = `${badSig.signature.slice(0, -2)}AA`;
    expect(signer.verify(badSig)).toBe(false);
  });
  it('refuses an archive signed by another installation (another JWT_SECRET)', () => {
    const other = new BackupSigner({ jwt: { secret: 'another-installation-secret-000000000000' } } as never);
    const a = fixture();
    expect(other.verify(a)).toBe(false);
  });
  it('an incremental signature equals the one-shot signature', () => {
    const a = fixture();
    const s = signer.start();
    const text = canonicalJson(a.data);
    s.update(text.slice(0, 10));
    s.update(text.slice(10));
    expect(s.finish(a.manifest)).toBe(a.signature);
  });
});

describe('assertArchiveShape', () => {
  it('accepts the fixture and refuses what is not an archive', () => {
    expect(() => assertArchiveShape(fixture())).not.toThrow();
    expect(() => assertArchiveShape([])).toThrow(ArchiveShapeError);
    expect(() => assertArchiveShape({ manifest: { format: 'x' }, data: {}, signature: 's' })).toThrow(/manifest.format/);
    expect(() => assertArchiveShape({ ...fixture(), data: { users: {} } })).toThrow(/data.users is not an array/);
  });
});

describe('migrateArchive', () => {
  it('leaves a current archive as it is', () => {
    const a = fixture();
    expect(migrateArchive(a)).toEqual(a);
  });
  it('brings version 1 to the current version: members → users, no credentials, without changing its input', () => {
    const v1 = {
      manifest: { ...fixture().manifest, schemaVersion: 1, counts: { members: 1 } },
      data: { members: [{ id: 'u1', email: 'a@b.example', passwordHash: '$argon2id$x' }] },
      signature: 'v1.x',
    } as unknown as BackupArchive;
    const copy = JSON.parse(JSON.stringify(v1));
    const m = migrateArchive(v1);
    expect(m.manifest).toMatchObject({ schemaVersion: BACKUP_SCHEMA_VERSION, includesCredentials: false, counts: { users: 1 } });
    expect(m.data).toEqual({ users: [{ id: 'u1', email: 'a@b.example' }] });
    expect(v1).toEqual(copy);
  });
  it('refuses a newer version', () => {
    const a = fixture();
    expect(() => migrateArchive({ ...a, manifest: { ...a.manifest, schemaVersion: BACKUP_SCHEMA_VERSION + 1 } })).toThrow(expect.objectContaining({ reason: 'newer_schema' }));
  });
});
