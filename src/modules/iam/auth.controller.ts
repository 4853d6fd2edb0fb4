import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { AnyPrincipal, ImpersonationPolicy, Public } from '../../common/auth';
import { ApiOp, Audited, AuditResource } from '../../common/http';
import { AuthService } from './auth.service';
import { ChangePasswordDto, MeDto, RefreshDto, StaffLoginDto, TenantLoginDto, TokenPairDto } from './dto/auth.dto';

/** Staff sign-in. */
@ApiTags('auth')
@AuditResource('iam', 'session')
@UseGuards(ThrottlerGuard)
@Controller('admin/auth')
export class AdminAuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Audited('auth.loginStaff')
  @Public()
  @HttpCode(200)
  @ApiOp('adminAuth_login', 'Sign in as platform staff', ['validation_failed', 'invalid_credentials', 'rate_limited'])
  @ApiOkResponse({ type: TokenPairDto })
  login(@Body() dto: StaffLoginDto): Promise<TokenPairDto> {
    return this.auth.loginStaff(dto);
  }
}

/**
 * Tenant sign-in and session operations shared by staff and tenant users.
 * Impersonation: signing out is allowed (it revokes only the impersonation token itself, which
 * is how staff leave a session early); changing the password is denied (a credential of the
 * impersonated user, and it would sign the user out everywhere).
 */
@ApiTags('auth')
@AuditResource('iam', 'session')
@UseGuards(ThrottlerGuard)
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Audited('auth.loginTenantUser')
  @Public()
  @HttpCode(200)
  @ApiOp('auth_login', 'Sign in as a tenant user', ['validation_failed', 'invalid_credentials', 'rate_limited'])
  @ApiOkResponse({ type: TokenPairDto })
  login(@Body() dto: TenantLoginDto): Promise<TokenPairDto> {
    return this.auth.loginTenantUser(dto);
  }

  @Post('refresh')
  @Audited('auth.refresh')
  @Public()
  @HttpCode(200)
  @ApiOp('auth_refresh', 'Rotate a refresh token into a new token pair', ['validation_failed', 'invalid_refresh_token', 'refresh_token_reused', 'refresh_token_superseded', 'account_inactive', 'rate_limited'])
  @ApiOkResponse({ type: TokenPairDto })
  refresh(@Body() dto: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @Audited('auth.logout')
  @AnyPrincipal()
  @ImpersonationPolicy('allowed')
  @HttpCode(204)
  @ApiOp('auth_logout', 'Sign out: revoke this login’s refresh and access tokens')
  @ApiNoContentResponse({ description: 'Signed out' })
  async logout(): Promise<void> {
    await this.auth.logout();
  }

  @Get('me')
  @AnyPrincipal()
  @ApiOp('auth_me', 'The signed-in principal', ['account_not_found'])
  @ApiOkResponse({ type: MeDto })
  me(): Promise<MeDto> {
    return this.auth.me();
  }

  @Post('password')
  @Audited('auth.changePassword')
  @AnyPrincipal()
  @ImpersonationPolicy('denied')
  @HttpCode(204)
  @ApiOp('auth_changePassword', 'Change your own password (signs out every session)', ['validation_failed'])
  @ApiNoContentResponse({ description: 'Password changed' })
  async changePassword(@Body() dto: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(dto);
  }
}
