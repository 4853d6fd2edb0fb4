export { PlatformModule } from './platform.module';
export { ShutdownState } from './shutdown-state';
