import { TEST_ENV } from './test-env';

// Jest setupFiles: every e2e file boots the app against the test database and Redis.
Object.assign(process.env, TEST_ENV);
