export { AuditModule } from './audit.module';
export { AuditInterceptor } from './audit.interceptor';
export { AuditService } from './audit.service';
export type { AuditEntry } from './audit.service';
export { AuditQueryService } from './audit-query.service';
export { AuditLogDto, AuditLogQueryDto } from './dto/audit-log.dto';
export { AuditChainService, CHAIN_BREAK_REASONS } from './chain/audit-chain.service';
export type { ChainBreak, ChainBreakReason, ChainVerification } from './chain/audit-chain.service';
export { AUDIT_PERSONAL_FIELDS, AUDIT_CHAIN_FIELDS, PLATFORM_CHAIN_SCOPE } from './chain/audit-chain.canonical';
