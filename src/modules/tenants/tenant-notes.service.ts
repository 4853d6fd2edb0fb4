import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../common/context';
import { ForbiddenError, NotFoundError } from '../../common/errors';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { CreateTenantNoteDto, TenantNoteDto, TenantNoteListQueryDto } from './dto/tenant-note.dto';
import { Tenant } from './entities/tenant.entity';
import { TenantNote } from './entities/tenant-note.entity';
import { Page, toPage } from '../../common/http';

function toDto(n: TenantNote): TenantNoteDto {
  return {
    id: n.id,
    tenantId: n.tenantId,
    authorId: n.authorId,
    authorEmail: n.authorEmail,
    body: n.body,
    pinned: n.pinned,
    createdAt: n.createdAt.toISOString(),
  };
}

/** Staff notes on a tenant: pinned first, newest first; deleted only by their author. */
@Injectable()
export class TenantNotesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
  ) {}

  /** @throws NotFoundError `tenant_not_found` */
  async list(tenantId: string, query: TenantNoteListQueryDto): Promise<Page<TenantNoteDto>> {
    await this.assertTenant(tenantId);
    const [rows, total] = await this.notes(tenantId).findAndCount({
      order: { pinned: 'DESC', createdAt: 'DESC', id: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return toPage(rows.map(toDto), total, query);
  }

  /** Adds a note signed by the calling staff member. @throws NotFoundError */
  async create(tenantId: string, dto: CreateTenantNoteDto): Promise<TenantNoteDto> {
    await this.assertTenant(tenantId);
    const actor = this.context.actor;
    const note = await this.notes(tenantId).insertOne({ authorId: actor.id!, authorEmail: actor.email ?? '', body: dto.body, pinned: dto.pinned ?? false });
    this.context.noteAudit({ tenantId, resourceId: note.id, resourceType: 'tenant_note' });
    return toDto(note);
  }

  /**
   * Deletes a note; only its author may. A note of another tenant is a 404.
   * @throws NotFoundError `tenant_note_not_found` | ForbiddenError `note_author_only`
   */
  async delete(tenantId: string, noteId: string): Promise<void> {
    const notes = this.notes(tenantId);
    const note = await notes.findOne({ id: noteId });
    if (!note) throw new NotFoundError('Tenant note', noteId);
    this.context.noteAudit({ tenantId, resourceId: noteId, resourceType: 'tenant_note', before: toDto(note) });
    if (note.authorId !== this.context.actor.id) throw new ForbiddenError('Only the author of a note may delete it.', 'note_author_only');
    await notes.delete({ id: noteId });
  }

  /** The notes of one tenant only; a note of another tenant is never found (404). */
  private notes(tenantId: string): TenantScopedRepository<TenantNote> {
    return new TenantScopedRepository(this.txHost.tx, TenantNote, tenantId);
  }

  private async assertTenant(tenantId: string): Promise<void> {
    if (!(await this.txHost.tx.getRepository(Tenant).exists({ where: { id: tenantId } }))) throw new NotFoundError('Tenant', tenantId);
  }
}
