import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../../common/http';
import { STAFF_ROLES } from '../../../common/auth';
import { MIN_PASSWORD_LENGTH } from '../password-hasher';

/** A staff member (never any password material). */
export class StaffDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ enum: STAFF_ROLES }) role: string;
  @ApiProperty() isActive: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastLoginAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** Body of POST /admin/staff; email is stored lowercase and must be unique (409). */
export class CreateStaffDto {
  @ApiProperty({ example: 'support@example.com' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail() @MaxLength(254)
  email: string;
  @ApiProperty({ example: 'Sam Support' }) @IsString() @MinLength(1) @MaxLength(200) fullName: string;
  @ApiProperty({ enum: STAFF_ROLES }) @IsIn(STAFF_ROLES) role: (typeof STAFF_ROLES)[number];
  @ApiProperty({ format: 'password', minLength: MIN_PASSWORD_LENGTH, example: 'support-password-2026' }) @IsString() @MinLength(MIN_PASSWORD_LENGTH) @MaxLength(1024) password: string;
}

/** Body of PATCH /admin/staff/:staffId; the last active owner cannot be demoted or deactivated (409). */
export class UpdateStaffDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) fullName?: string;
  @ApiPropertyOptional({ enum: STAFF_ROLES }) @IsOptional() @IsIn(STAFF_ROLES) role?: (typeof STAFF_ROLES)[number];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() isActive?: boolean;
}

/** Paging of GET /admin/staff. */
export class StaffListQueryDto extends PageQueryDto {}
