import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../common/context';
import { AppError, NotFoundError } from '../../common/errors';
import { EventBus } from '../../common/events';
import { UpdateTenantDto } from './dto/tenant.dto';
import { UpdateTenantSettingsDto } from './dto/tenant-self.dto';
import { Tenant } from './entities/tenant.entity';
import { TenantUpdatedEvent } from './events/tenant.events';
import { lockTenant } from './tenant-lock';
import { etagOf, ifMatchSatisfied } from './tenant.mapper';

/** Fields of a tenant that PATCH may change. */
type EditableField = 'name' | 'contactEmail' | 'contactPhone' | 'billingEmail' | 'timezone' | 'currency' | 'locale' | 'tags';
const EDITABLE: readonly EditableField[] = ['name', 'contactEmail', 'contactPhone', 'billingEmail', 'timezone', 'currency', 'locale', 'tags'];

/** 412 `precondition_failed`: `If-Match` does not match the tenant's current ETag (RFC 9110 §13.1.1). */
export class PreconditionFailedError extends AppError {
  constructor(currentEtag: string) {
    super('precondition_failed', 412, 'The tenant was changed since you read it (If-Match does not match its ETag); reload it and retry.', { etag: currentEtag });
  }
}

/**
 * Changes a tenant's profile (super admins) or settings (its own admins), with optimistic
 * concurrency: with `If-Match`, the ETag is compared while the row is locked, so a stale writer
 * gets 412 and changes nothing. Publishes tenant.updated when something changed.
 */
@Injectable()
export class TenantProfileService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventBus,
    private readonly context: RequestContext,
  ) {}

  /** Super-admin PATCH. @throws NotFoundError (unknown or deleted tenant) | PreconditionFailedError */
  update(tenantId: string, dto: UpdateTenantDto, ifMatch: string | undefined): Promise<Tenant> {
    return this.apply(tenantId, dto, ifMatch);
  }

  /** Tenant-admin PATCH of its own tenant's settings. @throws NotFoundError | PreconditionFailedError */
  updateSettings(tenantId: string, dto: UpdateTenantSettingsDto, ifMatch: string | undefined): Promise<Tenant> {
    return this.apply(tenantId, dto, ifMatch);
  }

  private async apply(tenantId: string, input: Partial<Pick<Tenant, EditableField>>, ifMatch: string | undefined): Promise<Tenant> {
    const tx = this.txHost.tx;
    const tenant = await lockTenant(tx, tenantId);
    if (tenant.status === 'deleted') throw new NotFoundError('Tenant', tenantId);
    if (ifMatch !== undefined && !ifMatchSatisfied(ifMatch, tenant.version)) throw new PreconditionFailedError(etagOf(tenant.version));
    this.context.noteAudit({ tenantId, resourceId: tenantId, resourceType: 'tenant' });

    const changes: Partial<Pick<Tenant, EditableField>> = {};
    for (const field of EDITABLE) {
      const value = input[field];
      if (value === undefined) continue;
      if (JSON.stringify(value) !== JSON.stringify(tenant[field])) (changes as Record<string, unknown>)[field] = value;
    }
    const changed = Object.keys(changes) as EditableField[];
    if (!changed.length) return tenant;

    // The entity's @VersionColumn makes TypeORM add `version = version + 1` (the new ETag).
    await tx.getRepository(Tenant).update({ id: tenantId }, changes);
    const updated = await tx.getRepository(Tenant).findOneByOrFail({ id: tenantId });
    await this.events.publish(new TenantUpdatedEvent(tenantId, { tenantId, slug: updated.slug, changed, version: updated.version }));
    this.context.noteAudit({
      before: Object.fromEntries(changed.map((f) => [f, tenant[f]])),
      after: Object.fromEntries(changed.map((f) => [f, updated[f]])),
    });
    return updated;
  }
}
