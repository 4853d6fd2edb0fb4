import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ExportsModule } from './exports/exports.module';
import { JobsApiModule } from './jobs/jobs-api.module';
import { RuntimeMetricsModule } from './metrics';
import { SystemModule } from './system';
import { ProblemsController } from './problems.controller';
import { HttpDrain } from './http-drain';
import { ShutdownState } from './shutdown-state';
import { TrafficModule } from './traffic';

/** Ops context: health probes, graceful shutdown, runtime and Prometheus metrics, system visibility for staff, the jobs API and CSV exports. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), RuntimeMetricsModule, SystemModule, JobsApiModule, ExportsModule, TrafficModule],
  controllers: [HealthController, ProblemsController],
  providers: [ShutdownState, HttpDrain],
  exports: [ShutdownState, RuntimeMetricsModule, TrafficModule],
})
export class PlatformModule {}
