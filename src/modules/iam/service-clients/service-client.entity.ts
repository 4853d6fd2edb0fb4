import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Lifecycle of a service client: `active`, or `revoked` (its secrets and tokens stop at once). */
export type ServiceClientStatus = 'active' | 'revoked';

/**
 * A product-module service registered by staff (CONVENTIONS §11): an OAuth 2.0 confidential client
 * of the client-credentials grant (RFC 6749 §4.4). Platform-level, owned by no tenant. Its secret is
 * stored as a SHA-256 digest only (256 random bits: a slow hash adds nothing, RFC 6749 §10.1 asks
 * that it be protected); after a rotation the previous digest keeps working until
 * `previousSecretExpiresAt`.
 */
@Entity({ name: 'service_clients' })
@Index('ux_service_clients_client_id', ['clientId'], { unique: true })
export class ServiceClient {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Public identifier, `svc_` + 24 base64url characters. */
  @Column({ type: 'text' }) clientId: string;
  @Column({ type: 'text' }) name: string;
  /** The product module this service runs, when it runs one. */
  @Column({ type: 'text', nullable: true }) moduleCode: string | null;
  @Column({ type: 'text', array: true }) scopes: string[];
  @Column({ type: 'text' }) secretHash: string;
  /** First characters of the current secret, for display (`svcsec_AbC…`). */
  @Column({ type: 'text' }) secretPrefix: string;
  @Column({ type: 'text', nullable: true }) previousSecretHash: string | null;
  @Column({ type: 'timestamptz', nullable: true }) previousSecretExpiresAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) secretRotatedAt: Date | null;
  @Column({ type: 'text', default: 'active' }) status: ServiceClientStatus;
  @Column({ type: 'timestamptz', nullable: true }) revokedAt: Date | null;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @Column({ type: 'timestamptz', nullable: true }) lastTokenIssuedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
