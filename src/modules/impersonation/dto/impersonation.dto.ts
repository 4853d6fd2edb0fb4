import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IMPERSONATION_DEFAULT_MINUTES, IMPERSONATION_MAX_MINUTES, IMPERSONATION_MIN_MINUTES, TENANT_ROLES } from '../../../common/auth';
import { IMPERSONATION_END_REASONS } from '../entities/impersonation-session.entity';
import { PageQueryDto } from '../../../common/http';


/** Lifecycle of an impersonation session, derived from `endedAt` and `expiresAt`. */
export const IMPERSONATION_STATUSES = ['active', 'ended', 'expired'] as const;
export type ImpersonationStatus = (typeof IMPERSONATION_STATUSES)[number];

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Body of POST /admin/impersonations: reason ≥ 10 chars, durationMinutes 1–60 (default 30); userId defaults to an active admin. */
export class StartImpersonationDto {
  @ApiProperty({ format: 'uuid', description: 'The tenant’s id: `tenant.id` in the answer of POST /api/v1/admin/tenants, or a row’s `id` in GET /api/v1/admin/tenants' }) @IsUUID() tenantId: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Tenant user to act as, e.g. `adminContact.id` of GET /api/v1/admin/tenants/{tenantId}; omit it to act as an active admin of the tenant' })
  @IsOptional() @IsUUID()
  userId?: string;

  @ApiProperty({ minLength: 10, maxLength: 1000, example: 'Customer asked for help configuring SSO (call with Jane)' })
  @Transform(trimmed) @IsString() @MinLength(10) @MaxLength(1000)
  reason: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'SUP-1234' }) @IsOptional() @Transform(trimmed) @IsString() @MinLength(1) @MaxLength(100) ticketRef?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: IMPERSONATION_MIN_MINUTES, maximum: IMPERSONATION_MAX_MINUTES, default: IMPERSONATION_DEFAULT_MINUTES })
  @IsOptional() @IsInt() @Min(IMPERSONATION_MIN_MINUTES) @Max(IMPERSONATION_MAX_MINUTES)
  durationMinutes: number = IMPERSONATION_DEFAULT_MINUTES;
}

/** The tenant user a session acts as. */
export class ImpersonationTargetUserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ enum: TENANT_ROLES }) role: string;
}

/** The started session and its access token (shown once; it cannot be refreshed or extended). */
export class StartedImpersonationDto {
  @ApiProperty({ format: 'uuid', description: 'Session id (the token’s `sid`)' }) id: string;
  @ApiProperty({ description: 'Tenant-user access token with an RFC 8693 `act` claim; no refresh token' }) accessToken: string;
  @ApiProperty({ format: 'date-time', description: 'When the token stops working (its `exp`)' }) expiresAt: string;
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ type: ImpersonationTargetUserDto }) targetUser: ImpersonationTargetUserDto;
}

/** An impersonation session as staff see it. */
export class ImpersonationSessionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) staffId: string;
  @ApiProperty({ description: 'Email of the platform staff member who entered' }) staffEmail: string;
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ format: 'uuid' }) targetUserId: string;
  @ApiProperty() targetUserEmail: string;
  @ApiProperty() reason: string;
  @ApiProperty({ type: String, nullable: true }) ticketRef: string | null;
  @ApiProperty({ type: 'integer', example: 30 }) durationMinutes: number;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Set when ended early; null when it ran out' }) endedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'Staff id that ended it; null when it ran out or the platform ended it' }) endedBy: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: IMPERSONATION_END_REASONS,
    description: 'Why it ended early: ended by staff, or ended because the impersonator was deactivated or changed role; null while active or when it ran out',
  })
  endReason: string | null;
  @ApiProperty({ enum: IMPERSONATION_STATUSES, description: '`active`: neither ended nor expired (its token works); `ended`: ended early (see `endReason`); `expired`: ran out at `expiresAt`' })
  status: ImpersonationStatus;
}

/** An impersonation session as the tenant's admins see it: who entered (staff email), when, why, for how long. */
export class TenantImpersonationDto extends OmitType(ImpersonationSessionDto, ['staffId', 'tenantId', 'endedBy'] as const) {}

/** `GET /admin/impersonations` filters, combined with AND. */
export class ImpersonationListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: IMPERSONATION_STATUSES, description: 'Sessions in this state only' })
  @IsOptional() @IsIn(IMPERSONATION_STATUSES)
  status?: ImpersonationStatus;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() tenantId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() staffId?: string;
}

/** Paging of GET /tenant/impersonations. */
export class TenantImpersonationListQueryDto extends PageQueryDto {}
