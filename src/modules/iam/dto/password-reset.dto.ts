import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';
import { MIN_PASSWORD_LENGTH } from '../password-hasher';

/** A freshly issued password reset token: single-use, valid for one hour, shown this once. */
export class PasswordResetIssuedDto {
  @ApiProperty({ example: 'prt_3q2-7wEXAMPLE', description: 'Single-use token for POST /api/v1/auth/password/reset' }) resetToken: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

/** Body of POST /auth/password/reset: a one-hour, single-use reset token and the new password (≥ 12 chars). */
export class ResetPasswordDto {
  @ApiProperty({ description: 'The reset token (prt_…)' }) @IsString() @IsNotEmpty() @MaxLength(200) token: string;
  @ApiProperty({ format: 'password', minLength: MIN_PASSWORD_LENGTH, example: 'acme-admin-password-3' })
  @IsString() @MinLength(MIN_PASSWORD_LENGTH) @MaxLength(1024)
  newPassword: string;
}
