import { AUDIT_CHAIN_GENESIS, AuditChainText, chainCanonicalV1, chainHashV1, personalCanonicalV1, personalDigestV1 } from './audit-chain.canonical';

/**
 * The canonical form audit-chain-v1 (docs/adr/0029). The expected digests were computed outside
 * this code (Python's hashlib over the documented encoding), so a change of the encoding — a
 * field, its order, the length prefix in bytes rather than characters — fails here.
 */
describe('audit-chain-v1 canonical form', () => {
  const row: AuditChainText = {
    seq: '2',
    id: '7d0c4a8e-3b5f-4c1e-9a2d-1f6b8e9c0a11',
    tenant_id: '5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    occurred_at: '2026-12-04T10:15:30.123456Z',
    request_id: 'req-1',
    channel: 'http',
    actor_type: 'tenant',
    actor_id: '0f9e8d7c-6b5a-4938-a726-15f4e3d2c1b0',
    actor_client_id: null,
    impersonator_id: null,
    action: 'tenantUsers.update',
    module: 'iam',
    resource_type: 'tenant_user',
    resource_id: 'u-1',
    method: 'PATCH',
    path: '/api/v1/tenant/users/u-1',
    status_code: '200',
    outcome: 'success',
    error_code: null,
    actor_email: 'zoë@example.com',
    ip: '::1',
    user_agent: null,
    changes: '{"after": {"role": "viewer"}}',
    metadata: null,
    personal_digest: null,
  };

  it('encodes the personal part with byte-length prefixes and ~ for NULL', () => {
    expect(personalCanonicalV1(row)).toBe('audit-personal-v1\nactor_email=16:zoë@example.com\nip=3:::1\nuser_agent=~\nchanges=29:{"after": {"role": "viewer"}}\nmetadata=~\n');
    expect(personalDigestV1(row).toString('hex')).toBe('6436d128c2e42b6b2c0a5c4f4ab6a126f5ba5c2d4d7f58f9d9fb3289b57b9811');
  });

  it('chains SHA-256(prevHash ‖ chained part), the personal part only through its digest', () => {
    const chained = { ...row, personal_digest: personalDigestV1(row).toString('hex') };
    expect(chainCanonicalV1(chained)).toMatch(/^audit-chain-v1\nseq=1:2\nid=36:7d0c4a8e-.*\npersonal_digest=64:6436d128.*\n$/s);
    expect(chainCanonicalV1(chained)).not.toContain('zoë');
    expect(chainHashV1(Buffer.alloc(32, 0xab), chained).toString('hex')).toBe('243b574c53358053e5afdeb986a80447d8b1cf661fa6c16193c9e44b199a6100');
    expect(chainHashV1(AUDIT_CHAIN_GENESIS, chained).toString('hex')).toBe('270b1113b288b331a2373e4d4909174e31999251e309e5f375aaaefcabc75e17');
  });

  it('tells NULL from the empty string and from the text "~"', () => {
    const digests = [null, '', '~'].map((ip) => personalDigestV1({ ...row, ip }).toString('hex'));
    expect(new Set(digests).size).toBe(3);
  });
});
