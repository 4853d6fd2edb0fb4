import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { SERVICE_SCOPES, ServiceScope } from '../../../common/auth';
import { PageQueryDto } from '../../../common/http';

/** How long a rotated-out secret keeps working by default, in minutes. */
export const DEFAULT_SECRET_OVERLAP_MINUTES = 60;
/** The longest overlap staff may ask for, in minutes (7 days). */
export const MAX_SECRET_OVERLAP_MINUTES = 10_080;

/** A registered product-module service (never its secret). */
export class ServiceClientDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'svc_Q2hhbmdlTWVQbGVhc2UxMjM0', description: 'The OAuth client_id (public)' }) clientId: string;
  @ApiProperty({ example: 'CRM service' }) name: string;
  @ApiProperty({ type: String, nullable: true, example: 'crm', description: 'The product module the service runs' }) moduleCode: string | null;
  @ApiProperty({ enum: SERVICE_SCOPES, isArray: true }) scopes: ServiceScope[];
  @ApiProperty({ example: 'svcsec_AbCd', description: 'First characters of the current secret, for recognising it' }) secretPrefix: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Until when the previous secret still works after a rotation (null: none)' }) previousSecretExpiresAt: string | null;
  @ApiProperty({ enum: ['active', 'revoked'] }) status: 'active' | 'revoked';
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) revokedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Last access token issued to it' }) lastTokenIssuedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** A client with its secret: answered once, at registration and at each rotation. */
export class ServiceClientWithSecretDto extends ServiceClientDto {
  @ApiProperty({ example: 'svcsec_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg', description: 'Shown once; stored only as a digest. Send it with client_id to POST /api/v1/oauth/token (HTTP Basic).' })
  clientSecret: string;
}

/** Body of POST /admin/service-clients. */
export class CreateServiceClientDto {
  @ApiProperty({ example: 'CRM service', minLength: 1, maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiPropertyOptional({ example: 'crm', description: 'A product module code of the catalog (GET /api/v1/admin/modules)' })
  @IsOptional() @IsString() @Matches(/^[a-z][a-z0-9-]{1,49}$/, { message: 'moduleCode must be a module code (lowercase letters, digits, -)' })
  moduleCode?: string;
  @ApiProperty({ enum: SERVICE_SCOPES, isArray: true, example: ['entitlements:read', 'quota:reserve', 'usage:write'] })
  @ArrayMinSize(1) @ArrayMaxSize(SERVICE_SCOPES.length) @ArrayUnique() @IsIn(SERVICE_SCOPES, { each: true })
  scopes: ServiceScope[];
}

/** Body of POST /admin/service-clients/:id/rotate-secret. */
export class RotateServiceClientSecretDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_SECRET_OVERLAP_MINUTES, default: DEFAULT_SECRET_OVERLAP_MINUTES, description: 'Minutes the previous secret keeps working (0: stops at once)' })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_SECRET_OVERLAP_MINUTES)
  overlapMinutes?: number;
}

/** Paging and filter of GET /admin/service-clients. */
export class ServiceClientListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'revoked'] }) @IsOptional() @IsIn(['active', 'revoked']) status?: 'active' | 'revoked';
}

/** The OAuth 2.0 access token response (RFC 6749 §5.1; snake_case as the RFC names its fields). */
export class OAuthTokenResponseDto {
  @ApiProperty({ description: 'A JWT (RFC 9068) of kind `service`' }) access_token: string;
  @ApiProperty({ enum: ['Bearer'] }) token_type: 'Bearer';
  @ApiProperty({ type: 'integer', example: 300, description: 'Seconds until it expires' }) expires_in: number;
  @ApiProperty({ example: 'entitlements:read quota:reserve', description: 'The granted scopes, space-separated' }) scope: string;
}

/** The OAuth 2.0 error response (RFC 6749 §5.2). */
export class OAuthErrorDto {
  @ApiProperty({ enum: ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope'] }) error: string;
  @ApiPropertyOptional() error_description?: string;
}

/** The form fields of POST /oauth/token (application/x-www-form-urlencoded), for the document. */
export class OAuthTokenRequestDto {
  @ApiProperty({ enum: ['client_credentials'] }) grant_type: 'client_credentials';
  @ApiPropertyOptional({ description: 'Space-separated subset of the client’s scopes (default: all of them)', example: 'entitlements:read' }) scope?: string;
  @ApiPropertyOptional({ description: 'Only when the client cannot send HTTP Basic (RFC 6749 §2.3.1 allows the body, not recommended)' }) client_id?: string;
  @ApiPropertyOptional({ description: 'With client_id, when HTTP Basic is not used' }) client_secret?: string;
}
