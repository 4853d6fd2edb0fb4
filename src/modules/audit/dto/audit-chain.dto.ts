import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { IsIsoDateTimeInRange } from '../../../common/http';
import { CHAIN_BREAK_REASONS, ChainBreakReason } from '../chain/audit-chain.service';

/** Which chain and range to verify: a tenant's (tenantId) or, without it, the platform's. */
export class AuditChainVerifyQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The tenant whose chain to verify; omitted: the platform chain (rows without a tenant)' })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
  @IsIsoDateTimeInRange({ optional: true, description: 'Start at the first row at or after this instant (occurredAt); omitted: the chain’s first row' })
  from?: Date;
  @IsIsoDateTimeInRange({ optional: true, description: 'End at the last row before this instant (occurredAt); omitted: the chain’s head' })
  to?: Date;
}

/** The first link of a chain that does not hold. */
export class AuditChainBreakDto {
  @ApiProperty({ type: 'integer', example: 42, description: 'Position in the chain of the row that fails (of the missing row for missing_row)' }) seq: number;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'null when the row is missing' }) id: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'UTC, microseconds' }) occurredAt: string | null;
  @ApiProperty({ type: String, nullable: true, pattern: '^[0-9a-f]{64}$', description: 'SHA-256 (hex) the row should carry, recomputed' }) expectedHash: string | null;
  @ApiProperty({ type: String, nullable: true, pattern: '^[0-9a-f]{64}$', description: 'SHA-256 (hex) stored' }) storedHash: string | null;
  @ApiProperty({
    enum: CHAIN_BREAK_REASONS,
    description:
      'hash_mismatch: a chained column changed; personal_digest_mismatch: a personal field changed without an authorised pseudonymisation; prev_hash_mismatch: the row does not follow the one before; missing_row: a row was removed; head_mismatch: the chain head does not name the last row; unknown_version: unknown canonical form',
  })
  reason: ChainBreakReason;
}

/** Result of verifying one audit hash chain over a range (docs/adr/0029). */
export class AuditChainVerificationDto {
  @ApiProperty({ enum: ['tenant', 'platform'] }) scope: 'tenant' | 'platform';
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) tenantId: string | null;
  @ApiProperty({ type: 'integer', description: 'Rows whose links were checked (up to the first break)' }) checked: number;
  @ApiProperty({ type: 'integer', description: 'Rows checked whose personal fields were pseudonymised (their chained digest is kept)' }) pseudonymised: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'First seq of the range (null: no row in it)' }) fromSeq: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Last seq of the range' }) toSeq: number | null;
  @ApiProperty({ type: AuditChainBreakDto, nullable: true, description: 'null: every link in the range holds' }) firstBrokenLink: AuditChainBreakDto | null;
  @ApiProperty({ type: 'integer', description: 'Last seq of the chain when the check started (0: empty)' }) headSeq: number;
  @ApiProperty({ type: String, nullable: true, pattern: '^[0-9a-f]{64}$', description: 'Hash (hex) of the chain’s last row' }) headHash: string | null;
}
