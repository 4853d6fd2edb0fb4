import '../errors';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../../../common/auth';
import { ApiOp, Audited, AuditResource, PageOf, PageQueryDto } from '../../../common/http';
import { AcknowledgeAlertDto, AlertDto, AlertListQueryDto, AlertParams, AlertRuleDto, AlertRuleInputDto, AlertRuleParams } from './alerts.dto';
import { AlertsService } from './alerts.service';

/** Super-admin alert rules: every staff role reads them, owners and admins change them. */
@ApiTags('alerts')
@AuditResource('notifications', 'alert_rule')
@PlatformAuth()
@Controller('admin/alerts/rules')
export class AlertRulesController {
  constructor(private readonly alerts: AlertsService) {}

  @Post()
  @Audited('alertRule.create')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminAlertRules_create', 'Add an alert rule', ['validation_failed'], 'Types: `trial_expiring` (threshold = days), `payment_failed`, `usage_over_limit` (threshold = percent), `tenant_inactive` (threshold = days without a sign-in), `webhook_failing`, `error_rate_spike` (threshold = percent of API responses that are 5xx over `windowMinutes`, measured by the service itself; platform-wide), `tenant_at_risk` (threshold = health score below which the latest daily snapshot opens it; also on `tenant.risk_changed`). Scope: all tenants, a plan or a tag.')
  @ApiCreatedResponse({ type: AlertRuleDto })
  create(@Body() dto: AlertRuleInputDto): Promise<AlertRuleDto> {
    return this.alerts.createRule(dto);
  }

  @Get()
  @ApiOp('adminAlertRules_list', 'List alert rules', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(AlertRuleDto) })
  list(@Query() query: PageQueryDto) {
    return this.alerts.listRules(query);
  }

  @Get(':ruleId')
  @ApiOp('adminAlertRules_get', 'Get an alert rule', ['validation_failed', 'alert_rule_not_found'])
  @ApiOkResponse({ type: AlertRuleDto })
  get(@Param() p: AlertRuleParams): Promise<AlertRuleDto> {
    return this.alerts.getRule(p.ruleId);
  }

  @Put(':ruleId')
  @Audited('alertRule.update')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminAlertRules_update', 'Replace an alert rule', ['validation_failed', 'alert_rule_not_found'])
  @ApiOkResponse({ type: AlertRuleDto })
  update(@Param() p: AlertRuleParams, @Body() dto: AlertRuleInputDto): Promise<AlertRuleDto> {
    return this.alerts.updateRule(p.ruleId, dto);
  }

  @Delete(':ruleId')
  @HttpCode(204)
  @Audited('alertRule.delete')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminAlertRules_delete', 'Delete an alert rule and its alerts', ['validation_failed', 'alert_rule_not_found'])
  @ApiNoContentResponse()
  async remove(@Param() p: AlertRuleParams): Promise<void> {
    await this.alerts.deleteRule(p.ruleId);
  }
}

/** Super-admin alerts: the list and acknowledgement (every staff role). */
@ApiTags('alerts')
@AuditResource('notifications', 'alert')
@PlatformAuth()
@Controller('admin/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOp('adminAlerts_list', 'Alerts, most recently seen first (filters status, type, severity, tenantId)', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(AlertDto) })
  list(@Query() query: AlertListQueryDto) {
    return this.alerts.list(query);
  }

  @Put(':alertId/acknowledge')
  @Audited('alert.acknowledge')
  @ApiOp('adminAlerts_acknowledge', 'Acknowledge an open alert (who and when, with a note)', ['validation_failed', 'alert_not_found'], 'Idempotent on an acknowledged alert; a resolved alert is a 400. The alert stays until its condition clears (then it is resolved).')
  @ApiOkResponse({ type: AlertDto })
  acknowledge(@Param() p: AlertParams, @Body() dto: AcknowledgeAlertDto): Promise<AlertDto> {
    return this.alerts.acknowledge(p.alertId, dto.note);
  }
}

/** The alert controllers (for the module). */
export const ALERT_CONTROLLERS = [AlertRulesController, AlertsController];
