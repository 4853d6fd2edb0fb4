import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PARTNER_SCOPES, PartnerScope } from '../../../common/auth';
import { IsIsoDateTimeInRange, PageQueryDto } from '../../../common/http';

/** Minutes a rotated-out key keeps working by default. */
export const DEFAULT_KEY_OVERLAP_MINUTES = 60;
/** The longest overlap a tenant admin may ask for (7 days), in minutes. */
export const MAX_KEY_OVERLAP_MINUTES = 10_080;

/** A partner of the tenant. */
export class PartnerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Acme Analytics' }) name: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'dev@acme-analytics.example' }) contactEmail: string | null;
  @ApiProperty({ enum: ['active', 'inactive'], description: 'inactive: every key of the partner is refused (401) until it is activated again' }) status: 'active' | 'inactive';
  @ApiProperty({ type: 'integer', description: 'Keys that work now' }) activeKeyCount: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) deactivatedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** Body of POST /tenant/partners. */
export class CreatePartnerDto {
  @ApiProperty({ example: 'Acme Analytics', minLength: 1, maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @ApiPropertyOptional({ example: 'dev@acme-analytics.example' })
  @IsOptional() @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)) @IsEmail() @MaxLength(254)
  contactEmail?: string;
}

/** Body of PATCH /tenant/partners/:partnerId (null clears a field). */
export class UpdatePartnerDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) description?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional() @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)) @IsEmail() @MaxLength(254)
  contactEmail?: string | null;
}

/** Filter and paging of GET /tenant/partners. */
export class PartnerListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'inactive'] }) @IsOptional() @IsIn(['active', 'inactive']) status?: 'active' | 'inactive';
}

/** Path of partner routes. */
export class PartnerParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') partnerId: string;
}

/** Path of a partner's key routes. */
export class PartnerKeyParams extends PartnerParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') keyId: string;
}

/** A partner's API key as listed (never the key itself). */
export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) partnerId: string;
  @ApiProperty({ example: 'Production' }) name: string;
  @ApiProperty({ example: 'cpk_live_4fG7hK2mQ9xZ', description: 'The key’s first characters, for recognising it' }) prefix: string;
  @ApiProperty({ enum: PARTNER_SCOPES, isArray: true }) scopes: PartnerScope[];
  @ApiProperty({ enum: ['active', 'expired', 'revoked'], description: 'What the key does now: active works; expired (past expiresAt, e.g. a rotated-out key after its overlap) and revoked are refused' }) status: 'active' | 'expired' | 'revoked';
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) expiresAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Updated within a minute of use (batched)' }) lastUsedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The key that replaced this one at a rotation' }) replacedBy: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) revokedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** A new key: answered once, at creation and at rotation. */
export class ApiKeyWithSecretDto extends ApiKeyDto {
  @ApiProperty({ example: 'cpk_live_4fG7hK2mQ9xZ_5tV8wY1bN3cD6eF9gH2jK4mN7pQ0sT3', description: 'Shown once; stored as a digest. Send it as the X-Api-Key header.' }) key: string;
}

/** Body of POST /tenant/partners/:partnerId/api-keys. */
export class CreateApiKeyDto {
  @ApiProperty({ example: 'Production', minLength: 1, maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ enum: PARTNER_SCOPES, isArray: true, example: ['users:read', 'events:read'] })
  @ArrayMinSize(1) @ArrayMaxSize(PARTNER_SCOPES.length) @ArrayUnique() @IsIn(PARTNER_SCOPES, { each: true })
  scopes: PartnerScope[];
  @IsIsoDateTimeInRange({ optional: true, description: 'When the key stops working (absent: never); must be in the future' })
  expiresAt?: Date;
}

/** Body of POST .../api-keys/:keyId/rotate. */
export class RotateApiKeyDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_KEY_OVERLAP_MINUTES, default: DEFAULT_KEY_OVERLAP_MINUTES, description: 'Minutes the old key keeps working (0: it stops at once)' })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_KEY_OVERLAP_MINUTES)
  overlapMinutes?: number;
}

/** Body of POST /service/api-keys/introspect (RFC 7662 §2.1; JSON or form-encoded). */
export class OAuthIntrospectionRequestDto {
  @ApiProperty({ description: 'The partner API key a caller presented', example: 'cpk_live_4fG7hK2mQ9xZ_5tV8wY1bN3cD6eF9gH2jK4mN7pQ0sT3' }) @IsString() @MinLength(1) @MaxLength(200) token: string;
  @ApiPropertyOptional({ enum: ['api_key'], description: 'RFC 7662 hint; only API keys are introspected here' }) @IsOptional() @IsIn(['api_key']) token_type_hint?: 'api_key';
}

/** The tenant an introspected key belongs to. */
export class OAuthIntrospectionTenantDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'acme' }) slug: string;
}

/** The partner an introspected key belongs to. */
export class OAuthIntrospectionPartnerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Acme Analytics' }) name: string;
}

/**
 * RFC 7662 §2.2 introspection response (snake_case as the RFC names its members): an inactive key
 * answers `{ active: false }` and nothing else.
 */
export class OAuthIntrospectionDto {
  @ApiProperty() active: boolean;
  @ApiPropertyOptional({ example: 'users:read events:read', description: 'Space-separated scopes' }) scope?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The key id' }) client_id?: string;
  @ApiPropertyOptional({ enum: ['api_key'] }) token_type?: 'api_key';
  @ApiPropertyOptional({ type: 'integer', description: 'Expiry, seconds since the epoch (absent: none)' }) exp?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'Creation, seconds since the epoch' }) iat?: number;
  @ApiPropertyOptional({ format: 'uuid', description: 'The partner id' }) sub?: string;
  @ApiPropertyOptional({ type: OAuthIntrospectionTenantDto }) tenant?: OAuthIntrospectionTenantDto;
  @ApiPropertyOptional({ type: OAuthIntrospectionPartnerDto }) partner?: OAuthIntrospectionPartnerDto;
}
