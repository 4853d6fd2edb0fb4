import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../../common/http';

/** A staff note on a tenant. */
export class TenantNoteDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) tenantId: string;
  @ApiProperty({ format: 'uuid', description: 'Staff member who wrote it (the only one who may delete it)' }) authorId: string;
  @ApiProperty() authorEmail: string;
  @ApiProperty() body: string;
  @ApiProperty() pinned: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** Body of POST /admin/tenants/:tenantId/notes (1–5000 chars; pinned notes list first). */
export class CreateTenantNoteDto {
  @ApiProperty({ minLength: 1, maxLength: 5000, example: 'Customer asked for an invoice in EUR from next month.' })
  @IsString() @MinLength(1) @MaxLength(5000)
  body: string;

  @ApiPropertyOptional({ default: false, description: 'Pinned notes are listed first' })
  @IsOptional() @IsBoolean()
  pinned?: boolean;
}

/** Paging of a tenant’s notes. */
export class TenantNoteListQueryDto extends PageQueryDto {}
