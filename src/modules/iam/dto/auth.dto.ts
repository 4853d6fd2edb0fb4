import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { MIN_PASSWORD_LENGTH } from '../password-hasher';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

/** Staff sign-in. */
export class StaffLoginDto {
  @ApiProperty({ example: 'owner@example.com' })
  @Transform(lower) @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'change-me-owner-password', format: 'password' })
  @IsString() @IsNotEmpty() @MaxLength(1024)
  password: string;
}

/** Tenant user sign-in (validation of email and password is the staff sign-in's; only the examples differ). */
export class TenantLoginDto extends StaffLoginDto {
  @ApiProperty({ example: 'acme', description: 'Slug of the tenant the user belongs to' })
  @Transform(lower) @IsString() @Matches(/^[a-z0-9-]{1,63}$/, { message: 'tenantSlug must be a tenant slug' })
  tenantSlug: string;
}
// A tenant user's examples for the inherited fields (their validation stays the staff sign-in's).
ApiProperty({ type: String, example: 'admin@acme.test', description: 'A user of the tenant named by tenantSlug, e.g. the admin provisioned with tenant acme' })(TenantLoginDto.prototype, 'email');
ApiProperty({ type: String, example: 'acme-admin-password', format: 'password' })(TenantLoginDto.prototype, 'password');

/** Body of POST /auth/refresh: the last refresh token (single-use). */
export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from the last login or refresh' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  refreshToken: string;
}

/** Body of POST /auth/password; `newPassword` has at least 12 characters. */
export class ChangePasswordDto {
  @ApiProperty({ format: 'password', example: 'acme-admin-password' }) @IsString() @IsNotEmpty() @MaxLength(1024) currentPassword: string;
  @ApiProperty({ format: 'password', minLength: MIN_PASSWORD_LENGTH, example: 'acme-admin-password-2' })
  @IsString() @MinLength(MIN_PASSWORD_LENGTH) @MaxLength(1024)
  newPassword: string;
}

/** Token pair (OAuth 2.0 token response semantics, camelCase). */
export class TokenPairDto {
  @ApiProperty() accessToken: string;
  @ApiProperty() refreshToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ type: 'integer', description: 'Access token lifetime in seconds', example: 900 }) expiresIn: number;
}

/** Who is acting in place of the signed-in user (RFC 8693 `act`), and the session. */
export class ImpersonatorDto {
  @ApiProperty({ format: 'uuid' }) staffId: string;
  @ApiProperty({ format: 'uuid' }) sessionId: string;
}

/** The signed-in principal. */
export class MeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ enum: ['platform', 'tenant'] }) kind: 'platform' | 'tenant';
  @ApiProperty({ example: 'owner' }) role: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) tenantId: string | null;
  @ApiProperty({ description: 'Must change the password before anything else', example: false }) mustChangePassword: boolean;
  @ApiProperty({ type: ImpersonatorDto, nullable: true, description: 'Set when a staff member is impersonating this user' })
  impersonator: ImpersonatorDto | null;
}
