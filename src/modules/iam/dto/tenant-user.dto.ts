import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { TENANT_ROLES, TenantRole } from '../../../common/auth';
import { PageMetaDto, PageQueryDto } from '../../../common/http';
import { MIN_PASSWORD_LENGTH } from '../password-hasher';

/** Whether a tenant user holds a seat and may sign in. */
export const TENANT_USER_STATUSES = ['active', 'inactive'] as const;
export type TenantUserStatus = (typeof TENANT_USER_STATUSES)[number];

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** A tenant user as its tenant's admins and managers see it (never any password material). */
export class TenantUserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'jane@acme.example' }) email: string;
  @ApiProperty({ example: 'Jane Doe' }) fullName: string;
  @ApiProperty({ enum: TENANT_ROLES }) role: TenantRole;
  @ApiProperty({ enum: TENANT_USER_STATUSES, description: 'active: holds a seat and may sign in' }) status: TenantUserStatus;
  @ApiProperty({ description: 'Must change the password at the next sign-in' }) mustChangePassword: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastLoginAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** The created user; `temporaryPassword` is present only when it was generated, and shown this once. */
export class CreatedTenantUserDto extends TenantUserDto {
  @ApiPropertyOptional({ description: 'Generated password (only when none was given); the user must change it at first sign-in' })
  temporaryPassword?: string;
}

/** Body of POST /tenant/users; without a password one is generated and returned once. Takes a members seat (and an orgAdmins seat for admins). */
export class CreateTenantUserDto {
  @ApiProperty({ example: 'jane@acme.example' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Jane Doe' }) @Transform(trimmed) @IsString() @MinLength(1) @MaxLength(200) fullName: string;

  @ApiProperty({ enum: TENANT_ROLES, example: 'member', description: 'admin also takes an orgAdmins seat' }) @IsIn(TENANT_ROLES) role: TenantRole;

  @ApiPropertyOptional({ format: 'password', minLength: MIN_PASSWORD_LENGTH, example: 'jane-doe-password', description: 'Omit to generate a temporary password' })
  @IsOptional() @IsString() @MinLength(MIN_PASSWORD_LENGTH) @MaxLength(1024)
  password?: string;
}

/** Body of PATCH /tenant/users/:userId; a change to or from admin takes or frees an orgAdmins seat. */
export class UpdateTenantUserDto {
  @ApiPropertyOptional({ example: 'Jane Roe' }) @IsOptional() @Transform(trimmed) @IsString() @MinLength(1) @MaxLength(200) fullName?: string;
  @ApiPropertyOptional({ enum: TENANT_ROLES, description: 'To admin takes an orgAdmins seat (402 when none is left)' })
  @IsOptional() @IsIn(TENANT_ROLES)
  role?: TenantRole;
}

/** `GET /tenant/users` filters, combined with AND. */
export class TenantUserListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of email or full name' })
  @IsOptional() @IsString() @MaxLength(200)
  q?: string;
  @ApiPropertyOptional({ enum: TENANT_ROLES }) @IsOptional() @IsIn(TENANT_ROLES) role?: TenantRole;
  @ApiPropertyOptional({ enum: TENANT_USER_STATUSES }) @IsOptional() @IsIn(TENANT_USER_STATUSES) status?: TenantUserStatus;
}

/** Allowance of the metric a list counts against (issue 3 §1 `meta.quota`). */
export class ListQuotaDto {
  @ApiProperty({ example: 'members' }) metric: string;
  @ApiProperty({ type: 'integer', nullable: true, example: 10, description: 'Effective limit; null = unlimited' }) limit: number | null;
  @ApiProperty({ type: 'integer', example: 4 }) used: number;
  @ApiProperty({ type: 'integer', nullable: true, example: 6, description: 'Never negative; null = unlimited' }) remaining: number | null;
}

/** `meta` of the tenant user list: offset pagination plus the members allowance. */
export class TenantUserPageMetaDto extends PageMetaDto {
  @ApiProperty({ type: ListQuotaDto }) quota: ListQuotaDto;
}

/** A page of tenant users with the members allowance in `meta.quota`. */
export class TenantUserPageDto {
  @ApiProperty({ type: [TenantUserDto] }) data: TenantUserDto[];
  @ApiProperty({ type: TenantUserPageMetaDto }) meta: TenantUserPageMetaDto;
}
