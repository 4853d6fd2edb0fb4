import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth, TenantAuth } from '../../common/auth';
import { ApiOp, Audited, AuditResource, PageOf, PageQueryDto, UuidPipe } from '../../common/http';
import { CreatePlanDto, PlanDto, PlanListQueryDto, UpdatePlanDto } from './dto/plan.dto';
import { PlansService } from './plans.service';

/** Plan catalog for platform staff; changes by owners and admins. */
@ApiTags('plans')
@AuditResource('plans', 'plan')
@PlatformAuth()
@Controller('admin/plans')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Post()
  @Audited('plans.create')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminPlans_create', 'Add a plan to the catalog', ['validation_failed', 'plan_code_taken', 'unknown_module'])
  @ApiCreatedResponse({ type: PlanDto })
  create(@Body() dto: CreatePlanDto): Promise<PlanDto> {
    return this.plans.create(dto);
  }

  @Get()
  @ApiOp('adminPlans_list', 'List plans', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(PlanDto) })
  list(@Query() query: PlanListQueryDto) {
    return this.plans.list(query);
  }

  @Get(':planId')
  @ApiOp('adminPlans_get', 'Get a plan', ['validation_failed', 'plan_not_found'])
  @ApiOkResponse({ type: PlanDto })
  get(@Param('planId', UuidPipe) planId: string): Promise<PlanDto> {
    return this.plans.get(planId);
  }

  @Patch(':planId')
  @Audited('plans.update')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminPlans_update', 'Change a plan (code is immutable; deactivating keeps existing tenants)', ['validation_failed', 'plan_not_found', 'unknown_module'])
  @ApiOkResponse({ type: PlanDto })
  update(@Param('planId', UuidPipe) planId: string, @Body() dto: UpdatePlanDto): Promise<PlanDto> {
    return this.plans.update(planId, dto);
  }
}

/** The plans a tenant can move to (active plans, cheapest first), for tenant admins and managers choosing a change of plan. */
@ApiTags('tenant-subscription')
@AuditResource('plans', 'plan')
@TenantAuth('admin', 'manager')
@Controller('tenant/plans')
export class TenantPlansController {
  constructor(private readonly plans: PlansService) {}

  @Get()
  @ApiOp('tenantPlans_list', 'List the active plans with their prices, limits and included modules (choose one for POST /tenant/subscription/change-plan)', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(PlanDto) })
  list(@Query() query: PageQueryDto) {
    return this.plans.list({ ...query, isActive: true } as PlanListQueryDto);
  }
}
