import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PlatformAuth } from '../../../common/auth';
import { ApiOp, Audited, AuditResource } from '../../../common/http';
import { JobDto } from '../../../common/jobs';
import { BulkActivateDto, BulkChangePlanDto, BulkExtendTrialDto, BulkSuspendDto, BulkTagDto } from './bulk.dto';
import { BulkAction, TenantBulkActions } from './tenant-bulk-actions.service';

const ERRORS = ['validation_failed'] as const;
const HOW =
  'Always asynchronous: 202 with the job (`Location: /api/v1/admin/jobs/{jobId}`); follow its progress there and read each tenant’s result at `/api/v1/admin/jobs/{jobId}/items`. ' +
  'Select the tenants by `tenantIds` (≤ 1,000, processed in that order) or by `filter` (the tenant list’s filters, resolved now). ' +
  '`dryRun: true` goes through the same rules for each tenant and rolls it back: items say `would_change` (with before/after), `would_skip` or `would_fail`. ' +
  'One audit row for this request, and one per tenant changed.';

/** Bulk tenant actions for owners and admins: always a job, always audited. */
@ApiTags('tenants')
@AuditResource('tenants', 'tenant')
@PlatformAuth('owner', 'admin')
@Controller('admin/tenants/bulk')
export class AdminTenantBulkController {
  constructor(private readonly bulk: TenantBulkActions) {}

  private async queue(action: BulkAction, dto: BulkSuspendDto, res: Response): Promise<JobDto> {
    const job = await this.bulk.request(action, dto);
    res.setHeader('Location', `/api/v1/admin/jobs/${job.id}`);
    return job;
  }

  @Post('suspend')
  @HttpCode(202)
  @Audited('tenants.bulkSuspend')
  @ApiOp('adminTenantsBulk_suspend', 'Suspend many tenants (a job)', [...ERRORS], `${HOW} Already suspended tenants are skipped.`)
  @ApiAcceptedResponse({ type: JobDto, headers: { Location: { description: 'The job', schema: { type: 'string' } } } })
  suspend(@Body() dto: BulkSuspendDto, @Res({ passthrough: true }) res: Response): Promise<JobDto> {
    return this.queue('suspend', dto, res);
  }

  @Post('activate')
  @HttpCode(202)
  @Audited('tenants.bulkActivate')
  @ApiOp('adminTenantsBulk_activate', 'Activate many suspended tenants (a job)', [...ERRORS], `${HOW} Tenants that are not suspended are skipped.`)
  @ApiAcceptedResponse({ type: JobDto, headers: { Location: { description: 'The job', schema: { type: 'string' } } } })
  activate(@Body() dto: BulkActivateDto, @Res({ passthrough: true }) res: Response): Promise<JobDto> {
    return this.queue('activate', dto, res);
  }

  @Post('extend-trial')
  @HttpCode(202)
  @Audited('tenants.bulkExtendTrial')
  @ApiOp('adminTenantsBulk_extendTrial', 'Extend the trials of many tenants by days or to a date (a job)', [...ERRORS], `${HOW} Tenants not in trial are skipped (\`not_in_trial\`).`)
  @ApiAcceptedResponse({ type: JobDto, headers: { Location: { description: 'The job', schema: { type: 'string' } } } })
  extendTrial(@Body() dto: BulkExtendTrialDto, @Res({ passthrough: true }) res: Response): Promise<JobDto> {
    return this.queue('extend_trial', dto, res);
  }

  @Post('change-plan')
  @HttpCode(202)
  @Audited('tenants.bulkChangePlan')
  @ApiOp('adminTenantsBulk_changePlan', 'Move many tenants to another plan (a job)', [...ERRORS, 'plan_unavailable'], `${HOW} Each change is the single-tenant change-plan (upgrade now with proration, downgrade at period end); tenants already on the plan are skipped (\`plan_unchanged\`).`)
  @ApiAcceptedResponse({ type: JobDto, headers: { Location: { description: 'The job', schema: { type: 'string' } } } })
  changePlan(@Body() dto: BulkChangePlanDto, @Res({ passthrough: true }) res: Response): Promise<JobDto> {
    return this.queue('change_plan', dto, res);
  }

  @Post('tag')
  @HttpCode(202)
  @Audited('tenants.bulkTag')
  @ApiOp('adminTenantsBulk_tag', 'Add and remove tags on many tenants (a job)', [...ERRORS], `${HOW} Tenants whose tags would not change are skipped.`)
  @ApiAcceptedResponse({ type: JobDto, headers: { Location: { description: 'The job', schema: { type: 'string' } } } })
  tag(@Body() dto: BulkTagDto, @Res({ passthrough: true }) res: Response): Promise<JobDto> {
    return this.queue('tag', dto, res);
  }
}
