import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Public } from '../../common/auth';
import { ApiOp, Audited, AuditResource } from '../../common/http';
import { ResetPasswordDto } from './dto/password-reset.dto';
import { PasswordResets } from './password-resets.service';

/** Redeeming a password reset token (no bearer token: the reset token is the credential). */
@ApiTags('auth')
@AuditResource('iam', 'tenant_user')
@UseGuards(ThrottlerGuard)
@Controller('auth/password')
export class PasswordResetController {
  constructor(private readonly resets: PasswordResets) {}

  @Post('reset')
  @Audited('auth.resetPassword')
  @Public()
  @HttpCode(204)
  @ApiOp(
    'auth_resetPassword',
    'Set a new password with a reset token',
    ['validation_failed', 'invalid_reset_token', 'rate_limited'],
    'The token is single-use and valid for one hour. An unknown, used or expired token is a 400 with code `invalid_reset_token`. ' +
      'On success the user’s refresh tokens are revoked and mustChangePassword is cleared.',
  )
  @ApiNoContentResponse({ description: 'Password changed' })
  async reset(@Body() dto: ResetPasswordDto): Promise<void> {
    await this.resets.reset(dto.token, dto.newPassword);
  }
}
