import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsIsoDateTimeInRange } from '../../../../common/http';

/** Who started a maintenance window. */
export class MaintenanceActorDto {
  @ApiProperty({ enum: ['platform', 'tenant', 'partner', 'service', 'system'], example: 'platform' }) type: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) id: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'owner@example.com' }) email: string | null;
}

/** The platform's maintenance state. While `isActive`, tenant routes answer 503 `maintenance`; staff routes and health probes keep working. */
export class MaintenanceDto {
  @ApiProperty({ example: false, description: 'Whether the platform is in maintenance now' }) isActive: boolean;
  @ApiProperty({ type: String, nullable: true, example: 'Scheduled database upgrade; back by 02:00 UTC.', description: 'What tenants read (the problem’s detail); null when not in maintenance' }) message: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the maintenance ends by itself (exclusive); null: when staff end it, or not in maintenance' }) until: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ type: MaintenanceActorDto, nullable: true }) startedBy: MaintenanceActorDto | null;
  @ApiProperty({ type: 'integer', nullable: true, example: 300, description: 'The Retry-After tenants receive now, seconds; null when not in maintenance' }) retryAfterSeconds: number | null;
}

/** Body of PUT /admin/system/maintenance. */
export class UpdateMaintenanceDto {
  @ApiProperty({ example: true, description: 'true starts (or changes) the maintenance, false ends it' })
  @IsBoolean()
  isActive: boolean;
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 500, example: 'Scheduled database upgrade; back by 02:00 UTC.', description: 'What tenants read; a generic sentence when absent' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(500)
  message?: string;
  @IsIsoDateTimeInRange({ optional: true, nullable: true, description: 'When the maintenance ends by itself (must be in the future); absent or null: when staff end it' })
  until?: Date | null;
}
