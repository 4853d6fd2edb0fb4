import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../../common/context/request-context';
import { NotFoundError } from '../../../common/errors';
import { Page, toPage } from '../../../common/http';
import { Clock } from '../../../common/time';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { PartnerApiKey } from './partner-api-key.entity';
import { Partner } from './partner.entity';
import { CreatePartnerDto, PartnerDto, PartnerListQueryDto, UpdatePartnerDto } from './partners.dto';

/**
 * A tenant's partners: the outside companies its admins let call the API with keys. Deactivating a
 * partner stops all of its keys at once (the key check reads the partner's status on every request);
 * activating it again brings back the keys that are neither revoked nor expired.
 */
@Injectable()
export class PartnersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    private readonly clock: Clock,
  ) {}

  private partners(tenantId: string) {
    return new TenantScopedRepository(this.txHost.tx, Partner, tenantId);
  }

  /** Creates an active partner. */
  async create(tenantId: string, dto: CreatePartnerDto): Promise<PartnerDto> {
    const partner = await this.partners(tenantId).insertOne({ name: dto.name, description: dto.description ?? null, contactEmail: dto.contactEmail ?? null });
    const out = await this.toDto(tenantId, partner);
    this.context.noteAudit({ resourceId: partner.id, tenantId, after: out });
    return out;
  }

  /** The tenant's partners, newest first. */
  async list(tenantId: string, query: PartnerListQueryDto): Promise<Page<PartnerDto>> {
    const [rows, total] = await this.partners(tenantId).findAndCount({ where: query.status ? { status: query.status } : {}, order: { createdAt: 'DESC', id: 'DESC' }, take: query.limit, skip: query.offset });
    return toPage(await Promise.all(rows.map((p) => this.toDto(tenantId, p))), total, query);
  }

  /** One partner. @throws NotFoundError `partner_not_found` (also for another tenant's partner) */
  async get(tenantId: string, partnerId: string): Promise<PartnerDto> {
    return this.toDto(tenantId, await this.find(tenantId, partnerId));
  }

  /** Changes name, description or contact. @throws NotFoundError */
  async update(tenantId: string, partnerId: string, dto: UpdatePartnerDto): Promise<PartnerDto> {
    const before = await this.find(tenantId, partnerId, true);
    await this.partners(tenantId).update({ id: partnerId }, { name: dto.name, description: dto.description, contactEmail: dto.contactEmail });
    const after = await this.toDto(tenantId, await this.find(tenantId, partnerId));
    this.context.noteAudit({ resourceId: partnerId, tenantId, before: await this.toDto(tenantId, before), after });
    return after;
  }

  /** Activates or deactivates the partner (idempotent). @throws NotFoundError */
  async setActive(tenantId: string, partnerId: string, active: boolean): Promise<PartnerDto> {
    const before = await this.find(tenantId, partnerId, true);
    const status = active ? 'active' : 'inactive';
    if (before.status !== status) await this.partners(tenantId).update({ id: partnerId }, { status, deactivatedAt: active ? null : this.clock.now() });
    const after = await this.toDto(tenantId, await this.find(tenantId, partnerId));
    this.context.noteAudit({ resourceId: partnerId, tenantId, before: { status: before.status }, after: { status: after.status } });
    return after;
  }

  /** The partner row, optionally locked. @throws NotFoundError `partner_not_found` */
  async find(tenantId: string, partnerId: string, lock = false): Promise<Partner> {
    const qb = this.partners(tenantId).queryBuilder('p').andWhere('p.id = :partnerId', { partnerId });
    if (lock) qb.setLock('pessimistic_write');
    const partner = await qb.getOne();
    if (!partner) throw new NotFoundError('Partner', partnerId);
    return partner;
  }

  private async toDto(tenantId: string, p: Partner): Promise<PartnerDto> {
    const now = this.clock.now();
    const activeKeyCount = p.status !== 'active' ? 0 : await new TenantScopedRepository(this.txHost.tx, PartnerApiKey, tenantId)
      .queryBuilder('k')
      .andWhere('k.partner_id = :id AND k.status = :status AND (k.expires_at IS NULL OR k.expires_at > :now)', { id: p.id, status: 'active', now })
      .getCount();
    return {
      id: p.id,
      name: p.name,
      description: p.description,
      contactEmail: p.contactEmail,
      status: p.status,
      activeKeyCount,
      deactivatedAt: p.deactivatedAt?.toISOString() ?? null,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    };
  }
}
