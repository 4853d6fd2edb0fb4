export { AuditModule } from './audit.module';
export { AuditInterceptor } from './audit.interceptor';
export { AuditService } from './audit.service';
export type { AuditEntry } from './audit.service';
export { AuditQueryService } from './audit-query.service';
export { AuditLogDto, AuditLogQueryDto } from './dto/audit-log.dto';
