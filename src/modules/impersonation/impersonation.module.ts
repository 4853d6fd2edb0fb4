import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ImpersonationSession } from './entities/impersonation-session.entity';

/** Impersonation context: time-limited "login as" sessions of staff in a tenant user's place. */
@Module({
  imports: [TypeOrmModule.forFeature([ImpersonationSession])],
})
export class ImpersonationModule {}
