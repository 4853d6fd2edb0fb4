export * from './schedule';
export * from './job-record.entity';
export * from './jobs';
export * from './jobs.module';
export * from './jobs.dto';
