import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth, TenantAuth } from '../../common/auth';
import { RequestContext } from '../../common/context';
import { ApiOp, Audited, AuditResource, PageOf, UuidPipe } from '../../common/http';
import {
  ImpersonationListQueryDto,
  ImpersonationSessionDto,
  StartedImpersonationDto,
  StartImpersonationDto,
  TenantImpersonationDto,
  TenantImpersonationListQueryDto,
} from './dto/impersonation.dto';
import { ImpersonationService } from './impersonation.service';

/** Staff side: start, end and list impersonation sessions. */
@ApiTags('impersonation')
@AuditResource('impersonation', 'impersonation_session')
@PlatformAuth('owner', 'admin', 'support')
@Controller('admin/impersonations')
export class AdminImpersonationsController {
  constructor(private readonly sessions: ImpersonationService) {}

  @Post()
  @Audited('impersonations.start')
  @ApiOp(
    'adminImpersonations_start',
    'Start impersonating a tenant user (time-limited token, no refresh)',
    ['validation_failed', 'tenant_not_found', 'user_not_found', 'tenant_not_active', 'no_active_admin'],
    'Before trying it, replace the example `tenantId` (a placeholder) with a real tenant’s `id`: `tenant.id` of ' +
      '`POST /api/v1/admin/tenants` or a row’s `id` in `GET /api/v1/admin/tenants`. ' +
      'userId defaults to an active admin of the tenant. The tenant must be active (409 `tenant_not_active`) and the user active ' +
      '(404 `user_not_found`). durationMinutes 1–60, default 30. The token carries `act: { sub: <staffId> }` and `sid`.',
  )
  @ApiCreatedResponse({ type: StartedImpersonationDto })
  start(@Body() dto: StartImpersonationDto): Promise<StartedImpersonationDto> {
    return this.sessions.start(dto);
  }

  @Get()
  @ApiOp('adminImpersonations_list', 'List impersonation sessions (newest first)', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(ImpersonationSessionDto) })
  list(@Query() query: ImpersonationListQueryDto) {
    return this.sessions.list(query);
  }

  @Post(':sessionId/end')
  @Audited('impersonations.end')
  @HttpCode(200)
  @ApiOp('adminImpersonations_end', 'End a session now (its token stops working at once)', ['validation_failed', 'impersonation_session_not_found', 'impersonation_not_active'], '409 `impersonation_not_active` when already ended or expired.')
  @ApiOkResponse({ type: ImpersonationSessionDto })
  end(@Param('sessionId', UuidPipe) sessionId: string): Promise<ImpersonationSessionDto> {
    return this.sessions.end(sessionId);
  }
}

/** Tenant side: the organisation's admins see who from the platform entered, when, why and for how long. */
@ApiTags('impersonation')
@AuditResource('impersonation', 'impersonation_session')
@TenantAuth('admin')
@Controller('tenant/impersonations')
export class TenantImpersonationsController {
  constructor(
    private readonly sessions: ImpersonationService,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @ApiOp('tenantImpersonations_list', 'List impersonation sessions of platform staff in your organisation (newest first)', ['validation_failed', 'tenant_suspended'])
  @ApiOkResponse({ type: PageOf(TenantImpersonationDto) })
  list(@Query() query: TenantImpersonationListQueryDto) {
    return this.sessions.listForTenant(this.context.actor.tenantId!, query);
  }
}
