import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { JobRequesterDto } from '../../../common/jobs';
import { PageQueryDto } from '../../../common/http';
import { COMPLIANCE_KINDS, COMPLIANCE_STATUSES, COMPLIANCE_SUBJECT_KINDS } from '../entities/compliance-request.entity';

const lowerTrimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

/** A GDPR export or erasure: the whole tenant, or one person of it (`email`), and why. */
export class GdprRequestDto {
  @ApiPropertyOptional({ example: 'jane@example.com', maxLength: 320, description: 'One person of the tenant (a user, or its contact or billing address); omit for the whole tenant' })
  @IsOptional() @Transform(lowerTrimmed) @IsEmail() @MaxLength(320)
  email?: string;

  @ApiProperty({ example: 'Data subject request received by email on 2026-03-01 (ticket SUP-1234)', minLength: 3, maxLength: 500, description: 'Why; on the request and every audit row of it' })
  @IsString() @MinLength(3) @MaxLength(500)
  reason: string;
}

/** An approval, optionally with a note. */
export class ApproveComplianceRequestDto {
  @ApiPropertyOptional({ example: 'Checked the identity of the requester against the ticket', maxLength: 500 }) @IsOptional() @IsString() @MaxLength(500) note?: string;
}

/** A rejection, with why. */
export class RejectComplianceRequestDto {
  @ApiProperty({ example: 'The request did not come from the account holder', minLength: 3, maxLength: 500 }) @IsString() @MinLength(3) @MaxLength(500) note: string;
}

/** Filters of the compliance request list. */
export class ComplianceRequestListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: COMPLIANCE_STATUSES }) @IsOptional() @IsIn(COMPLIANCE_STATUSES) status?: (typeof COMPLIANCE_STATUSES)[number];
  @ApiPropertyOptional({ enum: COMPLIANCE_KINDS }) @IsOptional() @IsIn(COMPLIANCE_KINDS) kind?: (typeof COMPLIANCE_KINDS)[number];
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') tenantId?: string;
}

/** Whose data a request is about. */
export class ComplianceSubjectDto {
  @ApiProperty({ enum: COMPLIANCE_SUBJECT_KINDS, description: 'tenant: the whole tenant; person: one person of it' }) kind: string;
  @ApiProperty({ type: String, nullable: true, example: 'jane@example.com', description: 'The person; null for a tenant, and once the person was erased' }) email: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'erased-4f9c2a8e8d7b4a51@invalid', description: 'The pseudonym that replaces the person’s email in the rows kept after an erasure; null for a tenant' }) pseudonym: string | null;
}

/** A staff decision on a request (approval or rejection). */
export class ComplianceDecisionDto {
  @ApiProperty({ format: 'uuid' }) staffId: string;
  @ApiProperty({ type: String, nullable: true, example: 'admin@example.com' }) email: string | null;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
}

/** The archive of a completed export. */
export class ComplianceArchiveDto {
  @ApiProperty({ type: 'integer', example: 48213, description: 'Bytes' }) bytes: number;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) sha256: string;
  @ApiProperty({ format: 'date-time', description: 'When it is purged (7 days after it was written)' }) expiresAt: string;
  @ApiProperty({ description: 'Purged already (ask for a new export)' }) purged: boolean;
}

/** A GDPR export or erasure request. */
export class ComplianceRequestDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: COMPLIANCE_KINDS, description: 'export: a JSON archive (GDPR Art. 15/20); delete: erasure (Art. 17), which needs a second owner or admin’s approval' }) kind: string;
  @ApiProperty({ type: ComplianceSubjectDto }) subject: ComplianceSubjectDto;
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty() reason: string;
  @ApiProperty({ enum: COMPLIANCE_STATUSES, description: 'pending_approval → approved → running → completed | failed; pending_approval → rejected | expired (not approved within 48 h: nothing erased). An export starts approved.' })
  status: string;
  @ApiProperty({ type: JobRequesterDto }) requestedBy: JobRequesterDto;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Approval deadline of an erasure (requestedAt + 48 h); null for an export' }) expiresAt: string | null;
  @ApiProperty({ type: ComplianceDecisionDto, nullable: true }) approval: ComplianceDecisionDto | null;
  @ApiProperty({ type: ComplianceDecisionDto, nullable: true }) rejection: ComplianceDecisionDto | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The job doing the work (GET /api/v1/admin/jobs/{jobId}); null until approved' }) jobId: string | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: { type: 'integer' }, description: 'Rows per table: exported (`<context>.<table>`) or changed by the erasure' })
  result: Record<string, number> | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'Why it failed: `{ code, message }`' }) error: Record<string, unknown> | null;
  @ApiProperty({ type: ComplianceArchiveDto, nullable: true }) archive: ComplianceArchiveDto | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) completedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** A signed link to an export's archive. */
export class ComplianceArchiveLinkDto {
  @ApiProperty({ example: '/api/v1/compliance/archives/3f1e…?expires=1796400000&by=…&signature=…', description: 'GET it (no token needed: the link is the credential) before it expires; ask again for a new one' }) url: string;
  @ApiProperty({ format: 'date-time', description: '10 minutes from now' }) expiresAt: string;
}

/** `?expires&by&signature` of an archive link. */
export class ComplianceArchiveQueryDto {
  @ApiProperty({ example: '1796400000', description: 'Unix seconds' }) @IsString() @Matches(/^\d{1,12}$/, { message: 'expires must be Unix seconds' }) expires: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') by: string;
  @ApiProperty({ example: 'q3x…' }) @IsString() @MaxLength(100) @Matches(/^[A-Za-z0-9_-]+$/, { message: 'signature must be base64url' }) signature: string;
}
