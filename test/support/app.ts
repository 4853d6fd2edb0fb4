import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import createClient, { Client } from 'openapi-fetch';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import type { paths } from './openapi';

/** A booted application listening on an ephemeral port, with a typed client of openapi.json. */
export interface TestApp {
  app: INestApplication;
  baseUrl: string;
  db: DataSource;
  /** Client typed from openapi.json: every e2e call proves the published contract. */
  api: Client<paths>;
  /** Same client with a bearer token. */
  as(token: string): Client<paths>;
  close(): Promise<void>;
}

/** Boots the real AppModule against the test PostgreSQL and Redis (no mocks). */
export async function createTestApp(): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configureApp(app);
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const api = createClient<paths>({ baseUrl });
  return {
    app,
    baseUrl,
    db: app.get(DataSource),
    api,
    as: (token: string) => createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } }),
    close: () => app.close(),
  };
}

/** Bootstrap owner credentials of the test environment. */
export const OWNER = { email: 'owner@example.com', password: 'change-me-owner-password' };

/** Signs in as platform staff and returns the token pair. */
export async function loginStaff(t: TestApp, email = OWNER.email, password = OWNER.password) {
  const { data, error, response } = await t.api.POST('/api/v1/admin/auth/login', { body: { email, password } });
  if (!data) throw new Error(`staff login failed: ${response.status} ${JSON.stringify(error)}`);
  return data;
}

let seq = 0;
/** A unique suffix for emails/slugs so test files never collide. */
export function unique(prefix = 'x'): string {
  seq += 1;
  return `${prefix}-${Date.now().toString(36)}-${process.pid.toString(36)}-${seq}`;
}
