import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ImpersonationPolicy, PartnerAccess, TenantAuth } from '../../common/auth';
import { RequestContext } from '../../common/context';
import { ApiOp, Audited, AuditResource, UuidPipe } from '../../common/http';
import { EnforceQuota } from '../plans';
import { PasswordResetIssuedDto } from './dto/password-reset.dto';
import {
  CreatedTenantUserDto,
  CreateTenantUserDto,
  TenantUserDto,
  TenantUserListQueryDto,
  TenantUserPageDto,
  UpdateTenantUserDto,
} from './dto/tenant-user.dto';
import { TenantUsersService } from './tenant-users.service';

const IDEMPOTENT_STATE_NOTE = 'Idempotent: calling it on a user already in that state returns the user unchanged (no event, no seat change).';

/**
 * A tenant's own user management (issue 3 §3): admins manage, managers may list and read,
 * members and viewers get 403. The tenant is always the caller's (from the token).
 * Impersonation: allowed — adding, changing, deactivating and re-activating users is the routine
 * admin work support does on the customer's behalf (each row names the impersonator); issuing a
 * password reset is denied, because the reset token is a credential that would outlive the session.
 */
@ApiTags('tenant-users')
@AuditResource('iam', 'tenant_user')
@TenantAuth('admin')
@ImpersonationPolicy('allowed')
@Controller('tenant/users')
export class TenantUsersController {
  constructor(
    private readonly users: TenantUsersService,
    private readonly context: RequestContext,
  ) {}

  private get tenantId(): string {
    return this.context.actor.tenantId!;
  }

  @Get()
  @TenantAuth('admin', 'manager')
  @PartnerAccess('users:read')
  @ApiOp('tenantUsers_list', 'List your organisation’s users (search, role, status; meta.quota = members allowance)', ['validation_failed', 'tenant_suspended'])
  @ApiOkResponse({ type: TenantUserPageDto })
  list(@Query() query: TenantUserListQueryDto): Promise<TenantUserPageDto> {
    return this.users.list(this.tenantId, query);
  }

  @Post()
  @Audited('tenantUsers.create')
  @EnforceQuota('members')
  @ApiOp('tenantUsers_create', 'Add a user (takes a members seat, and an orgAdmins seat for role admin)', ['validation_failed', 'quota_exceeded', 'tenant_suspended', 'user_email_taken'])
  @ApiCreatedResponse({ type: CreatedTenantUserDto })
  create(@Body() dto: CreateTenantUserDto): Promise<CreatedTenantUserDto> {
    return this.users.create(this.tenantId, dto);
  }

  @Get(':userId')
  @TenantAuth('admin', 'manager')
  @ApiOp('tenantUsers_get', 'Get one of your organisation’s users', ['validation_failed', 'tenant_suspended', 'user_not_found'])
  @ApiOkResponse({ type: TenantUserDto })
  get(@Param('userId', UuidPipe) userId: string): Promise<TenantUserDto> {
    return this.users.get(this.tenantId, userId);
  }

  @Patch(':userId')
  @Audited('tenantUsers.update')
  @ApiOp('tenantUsers_update', 'Change a user’s name or role (to admin takes an orgAdmins seat; the last admin cannot be demoted)', ['validation_failed', 'quota_exceeded', 'tenant_suspended', 'user_not_found', 'last_admin'])
  @ApiOkResponse({ type: TenantUserDto })
  update(@Param('userId', UuidPipe) userId: string, @Body() dto: UpdateTenantUserDto): Promise<TenantUserDto> {
    return this.users.update(this.tenantId, userId, dto);
  }

  @Post(':userId/deactivate')
  @Audited('tenantUsers.deactivate')
  @HttpCode(200)
  @ApiOp(
    'tenantUsers_deactivate',
    'Deactivate a user: frees its seats and revokes its sessions at once',
    ['validation_failed', 'tenant_suspended', 'user_not_found', 'last_admin'],
    `409 \`last_admin\` for the last active admin. ${IDEMPOTENT_STATE_NOTE}`,
  )
  @ApiOkResponse({ type: TenantUserDto })
  deactivate(@Param('userId', UuidPipe) userId: string): Promise<TenantUserDto> {
    return this.users.deactivate(this.tenantId, userId);
  }

  @Post(':userId/activate')
  @Audited('tenantUsers.activate')
  @HttpCode(200)
  @ApiOp('tenantUsers_activate', 'Re-activate a user (takes its seats again; 402 when none is left)', ['validation_failed', 'quota_exceeded', 'tenant_suspended', 'user_not_found'], IDEMPOTENT_STATE_NOTE)
  @ApiOkResponse({ type: TenantUserDto })
  activate(@Param('userId', UuidPipe) userId: string): Promise<TenantUserDto> {
    return this.users.activate(this.tenantId, userId);
  }

  @Post(':userId/password-reset')
  @Audited('tenantUsers.issuePasswordReset')
  @ImpersonationPolicy('denied')
  @ApiOp(
    'tenantUsers_issuePasswordReset',
    'Issue a single-use password reset token for a user (valid one hour; also mailed to the user)',
    ['validation_failed', 'tenant_suspended', 'user_not_found', 'user_inactive'],
    'Earlier unused tokens of the user stop working. Refused during impersonation (403 `impersonation_forbidden`).',
  )
  @ApiCreatedResponse({ type: PasswordResetIssuedDto })
  issuePasswordReset(@Param('userId', UuidPipe) userId: string): Promise<PasswordResetIssuedDto> {
    return this.users.issuePasswordReset(this.tenantId, userId, this.context.actor.id);
  }
}
