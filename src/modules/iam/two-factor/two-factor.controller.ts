import { Body, Controller, Delete, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { PlatformAuth, Public } from '../../../common/auth';
import { RequestContext } from '../../../common/context';
import { ApiOp, Audited, AuditResource } from '../../../common/http';
import { TokenPairDto } from '../dto/auth.dto';
import { StaffSignIn } from './staff-sign-in.service';
import { StaffTwoFactorService } from './staff-two-factor.service';
import {
  ChallengeEnrollmentDto,
  ConfirmChallengeEnrollmentDto,
  ConfirmTwoFactorEnrollmentDto,
  DisableTwoFactorDto,
  EnrolledSignInDto,
  RecoveryCodesDto,
  TwoFactorEnrollmentDto,
  TwoFactorStatusDto,
  VerifyTwoFactorDto,
} from './two-factor.dto';

/**
 * Staff two-factor authentication (TOTP, RFC 6238): the signed-in member's enrollment, status and
 * turning it off; the second step of a challenged sign-in (verify); and the enrollment-only
 * challenge routes of a member who must enroll before receiving tokens (STAFF_2FA_REQUIRED).
 */
@ApiTags('two-factor')
@AuditResource('iam', 'two_factor')
@UseGuards(ThrottlerGuard)
@Controller('admin/auth/2fa')
export class TwoFactorController {
  constructor(
    private readonly twoFactor: StaffTwoFactorService,
    private readonly signIn: StaffSignIn,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @PlatformAuth()
  @ApiOp('adminTwoFactor_status', 'Your two-factor authentication status', ['staff_member_not_found'])
  @ApiOkResponse({ type: TwoFactorStatusDto })
  status(): Promise<TwoFactorStatusDto> {
    return this.twoFactor.status(this.context.actor.id!);
  }

  @Post('enroll')
  @Audited('auth.twoFactor.enroll')
  @PlatformAuth()
  @ApiOp('adminTwoFactor_enroll', 'Start enrolling an authenticator app: a new secret and its otpauth:// URI, shown once; pending until confirmed', ['two_factor_already_enabled'])
  @ApiCreatedResponse({ type: TwoFactorEnrollmentDto })
  enroll(): Promise<TwoFactorEnrollmentDto> {
    const actor = this.context.actor;
    return this.twoFactor.beginEnrollment({ id: actor.id!, email: actor.email! });
  }

  @Post('enroll/confirm')
  @Audited('auth.twoFactor.confirm')
  @PlatformAuth()
  @HttpCode(200)
  @ApiOp('adminTwoFactor_confirm', 'Confirm the enrollment with a first code: turns two-factor on and returns ten recovery codes, shown once', [
    'validation_failed',
    'two_factor_code_incorrect',
    'two_factor_already_enabled',
    'two_factor_enrollment_not_started',
  ])
  @ApiOkResponse({ type: RecoveryCodesDto })
  async confirm(@Body() dto: ConfirmTwoFactorEnrollmentDto): Promise<RecoveryCodesDto> {
    return { recoveryCodes: await this.twoFactor.confirmOwn(this.context.actor.id!, dto.code) };
  }

  @Delete()
  @Audited('auth.twoFactor.disable')
  @PlatformAuth()
  @HttpCode(204)
  @ApiOp('adminTwoFactor_disable', 'Turn your two-factor authentication off, with a current code or your password', [
    'validation_failed',
    'two_factor_code_incorrect',
    'two_factor_not_enabled',
    'two_factor_required_by_policy',
  ])
  @ApiNoContentResponse({ description: 'Two-factor authentication is off; the recovery codes are gone' })
  async disable(@Body() dto: DisableTwoFactorDto): Promise<void> {
    const actor = this.context.actor;
    await this.twoFactor.disableOwn({ id: actor.id!, role: actor.role as 'owner' | 'admin' | 'support' }, dto);
  }

  @Post('verify')
  @Audited('auth.twoFactor.verify')
  @Public()
  @HttpCode(200)
  @ApiOp('adminTwoFactor_verify', 'Finish a challenged staff sign-in with a TOTP code or a recovery code', [
    'validation_failed',
    'invalid_two_factor_challenge',
    'invalid_second_factor',
    'two_factor_code_reused',
    'account_inactive',
    'rate_limited',
  ])
  @ApiOkResponse({ type: TokenPairDto })
  verify(@Body() dto: VerifyTwoFactorDto): Promise<TokenPairDto> {
    return this.signIn.verify(dto);
  }

  @Post('challenge/enroll')
  @Audited('auth.twoFactor.challengeEnroll')
  @Public()
  @ApiOp('adminTwoFactor_challengeEnroll', 'Start the enrollment a sign-in requires (enrollment-only challenge): a new secret and its otpauth:// URI', [
    'validation_failed',
    'invalid_two_factor_challenge',
    'two_factor_already_enabled',
    'account_inactive',
    'rate_limited',
  ])
  @ApiCreatedResponse({ type: TwoFactorEnrollmentDto })
  challengeEnroll(@Body() dto: ChallengeEnrollmentDto): Promise<TwoFactorEnrollmentDto> {
    return this.signIn.beginChallengeEnrollment(dto.challengeToken);
  }

  @Post('challenge/enroll/confirm')
  @Audited('auth.twoFactor.challengeConfirm')
  @Public()
  @HttpCode(200)
  @ApiOp('adminTwoFactor_challengeConfirm', 'Confirm the enrollment a sign-in requires: the recovery codes (shown once) and the token pair', [
    'validation_failed',
    'invalid_two_factor_challenge',
    'invalid_second_factor',
    'two_factor_code_reused',
    'two_factor_already_enabled',
    'two_factor_enrollment_not_started',
    'account_inactive',
    'rate_limited',
  ])
  @ApiOkResponse({ type: EnrolledSignInDto })
  challengeConfirm(@Body() dto: ConfirmChallengeEnrollmentDto): Promise<EnrolledSignInDto> {
    return this.signIn.confirmChallengeEnrollment(dto);
  }
}
