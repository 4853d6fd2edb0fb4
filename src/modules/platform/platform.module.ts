import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { RuntimeMetricsModule } from './metrics';
import { ProblemsController } from './problems.controller';
import { HttpDrain } from './http-drain';
import { ShutdownState } from './shutdown-state';
import { TrafficModule } from './traffic';

/** Ops context: health probes, graceful shutdown (later metrics, jobs, exports). */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), RuntimeMetricsModule, TrafficModule],
  controllers: [HealthController, ProblemsController],
  providers: [ShutdownState, HttpDrain],
  exports: [ShutdownState, TrafficModule],
})
export class PlatformModule {}
