import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { TokenPairDto } from '../dto/auth.dto';

/** A six-digit TOTP code (RFC 6238 with 6 digits, RFC 4226 §5.3). */
const TOTP_CODE = /^\d{6}$/;

/** Lifecycle of a staff member's two-factor authentication. */
export const TWO_FACTOR_STATUSES = ['not_enrolled', 'pending', 'active'] as const;
export type TwoFactorStatus = (typeof TWO_FACTOR_STATUSES)[number];

/** Two-factor state of the signed-in staff member. */
export class TwoFactorStatusDto {
  @ApiProperty({
    enum: TWO_FACTOR_STATUSES,
    enumName: 'TwoFactorStatus',
    description: '`not_enrolled`; `pending`: an enrollment was started and not confirmed yet (sign-in unchanged); `active`: sign-in asks for a code',
    example: 'active',
  })
  status: TwoFactorStatus;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When the enrollment was confirmed (null unless active)' }) enrolledAt: string | null;
  @ApiProperty({ type: 'integer', description: 'Unused recovery codes left', example: 10 }) recoveryCodesRemaining: number;
  @ApiProperty({ description: 'STAFF_2FA_REQUIRED applies to your role (owners and admins): it cannot be turned off', example: false }) required: boolean;
}

/** A started enrollment: the shared secret, shown this once, and the URI an authenticator app scans. */
export class TwoFactorEnrollmentDto {
  @ApiProperty({ description: 'Base32 shared secret (RFC 4648), to type into an app that cannot scan', example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }) secret: string;
  @ApiProperty({ description: 'Key Uri Format otpauth:// URI (render it as a QR code)', example: 'otpauth://totp/Control%20Plane:owner%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Control%20Plane' })
  otpauthUri: string;
  @ApiProperty({ example: 'Control Plane' }) issuer: string;
  @ApiProperty({ description: 'The account label: the staff member’s email', example: 'owner@example.com' }) accountName: string;
}

/** Confirms an enrollment with a first code of the new authenticator. */
export class ConfirmTwoFactorEnrollmentDto {
  @ApiProperty({ description: 'Current six-digit code of the authenticator app', example: '123456' })
  @IsString() @Matches(TOTP_CODE, { message: 'code must be six digits' })
  code: string;
}

/** Recovery codes, shown once: each signs in once in place of a TOTP code. */
export class RecoveryCodesDto {
  @ApiProperty({ type: [String], description: 'Ten single-use recovery codes; store them somewhere safe, they are not shown again', example: ['7K2M-9QXD-4TNB', 'H3VW-0RZC-8PJE'] })
  recoveryCodes: string[];
}

/** The second step of a staff sign-in: the challenge of the first and a TOTP code or a recovery code (exactly one). */
export class VerifyTwoFactorDto {
  @ApiProperty({ description: 'The `challenge.token` of the 401 two_factor_required answer to the sign-in' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  challengeToken: string;

  @ApiPropertyOptional({ description: 'Current six-digit code of the authenticator app', example: '123456' })
  @IsOptional() @IsString() @Matches(TOTP_CODE, { message: 'code must be six digits' })
  code?: string;

  @ApiPropertyOptional({ description: 'One unused recovery code (case and dashes do not matter)', example: '7K2M-9QXD-4TNB' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(40)
  recoveryCode?: string;
}

/** An enrollment-only challenge (the `challenge.token` of a 401 two_factor_enrollment_required). */
export class ChallengeEnrollmentDto {
  @ApiProperty({ description: 'The `challenge.token` of the 401 two_factor_enrollment_required answer to the sign-in' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  challengeToken: string;
}

/** Confirms an enrollment started with an enrollment-only challenge. */
export class ConfirmChallengeEnrollmentDto extends ChallengeEnrollmentDto {
  @ApiProperty({ description: 'Current six-digit code of the new authenticator', example: '123456' })
  @IsString() @Matches(TOTP_CODE, { message: 'code must be six digits' })
  code: string;
}

/** A completed enrollment at sign-in: the token pair of the now two-factor login and the recovery codes, shown once. */
export class EnrolledSignInDto extends TokenPairDto {
  @ApiProperty({ type: [String], description: 'Ten single-use recovery codes; store them somewhere safe, they are not shown again', example: ['7K2M-9QXD-4TNB', 'H3VW-0RZC-8PJE'] })
  recoveryCodes: string[];
}

/** Proof for turning two-factor authentication off: a current code, or the password (exactly one). */
export class DisableTwoFactorDto {
  @ApiPropertyOptional({ description: 'Current six-digit code of the authenticator app', example: '123456' })
  @IsOptional() @IsString() @Matches(TOTP_CODE, { message: 'code must be six digits' })
  code?: string;

  @ApiPropertyOptional({ format: 'password', description: 'The account password (when the authenticator is lost)' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(1024)
  password?: string;
}
