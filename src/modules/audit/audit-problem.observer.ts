import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ProblemObserver } from '../../common/errors';
import { AuditService } from './audit.service';

/** Audits every failed mutating request (after rollback) as the problem filter sends it. */
@Injectable()
export class AuditProblemObserver implements ProblemObserver {
  constructor(private readonly audit: AuditService) {}

  onProblem(req: Request, status: number, code: string): Promise<void> {
    return this.audit.recordFailure(req, status, code);
  }
}
