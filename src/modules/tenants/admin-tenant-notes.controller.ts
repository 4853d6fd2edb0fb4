import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../../common/auth';
import { ApiOp, Audited, AuditResource, PageOf, UuidPipe } from '../../common/http';
import { CreateTenantNoteDto, TenantNoteDto, TenantNoteListQueryDto } from './dto/tenant-note.dto';
import { TenantNotesService } from './tenant-notes.service';

/** Staff notes on a tenant (any staff role may read and write; only the author may delete). */
@ApiTags('tenant-notes')
@AuditResource('tenants', 'tenant_note')
@PlatformAuth()
@Controller('admin/tenants/:tenantId/notes')
export class AdminTenantNotesController {
  constructor(private readonly notes: TenantNotesService) {}

  @Get()
  @ApiOp('adminTenantNotes_list', 'List a tenant’s notes, pinned first, newest first', ['validation_failed', 'tenant_not_found'])
  @ApiOkResponse({ type: PageOf(TenantNoteDto) })
  list(@Param('tenantId', UuidPipe) tenantId: string, @Query() query: TenantNoteListQueryDto) {
    return this.notes.list(tenantId, query);
  }

  @Post()
  @Audited('tenantNotes.create')
  @ApiOp('adminTenantNotes_create', 'Add a note to a tenant', ['validation_failed', 'tenant_not_found'])
  @ApiCreatedResponse({ type: TenantNoteDto })
  create(@Param('tenantId', UuidPipe) tenantId: string, @Body() dto: CreateTenantNoteDto): Promise<TenantNoteDto> {
    return this.notes.create(tenantId, dto);
  }

  @Delete(':noteId')
  @Audited('tenantNotes.delete')
  @HttpCode(204)
  @ApiOp('adminTenantNotes_delete', 'Delete a note (its author only)', ['validation_failed', 'note_author_only', 'tenant_note_not_found'])
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(@Param('tenantId', UuidPipe) tenantId: string, @Param('noteId', UuidPipe) noteId: string): Promise<void> {
    await this.notes.delete(tenantId, noteId);
  }
}
