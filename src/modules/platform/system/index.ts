export { SystemModule } from './system.module';
export { InstanceHeartbeat, type InstanceInfo, type SeenInstance } from './instance-heartbeat';
export { worstStatus, type ComponentHealth, type ComponentStatus } from './system-health.service';
