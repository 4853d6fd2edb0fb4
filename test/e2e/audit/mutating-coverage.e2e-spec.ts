import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATION_ID, SKIP_AUDIT } from '../../../src/common/http';
import { auditRowsFor, createTestApp, rawFetch, requestId, TestApp } from '../../support/app';

interface Operation {
  method: string;
  path: string;
  operationId: string;
}

const MUTATING = ['post', 'put', 'patch', 'delete'];
const SPEC = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { operationId?: string }>>;
};

/** Every POST/PUT/PATCH/DELETE operation of the committed openapi.json. */
const OPERATIONS: Operation[] = Object.entries(SPEC.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => MUTATING.includes(method))
    .map(([method, op]) => ({ method: method.toUpperCase(), path, operationId: op.operationId ?? '(none)' })),
);

describe('every mutating operation in openapi.json is audited', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('the spec has mutating operations to check', () => {
    expect(OPERATIONS.length).toBeGreaterThanOrEqual(7);
    expect(OPERATIONS.map((o) => o.operationId)).toEqual(expect.arrayContaining(['staff_create', 'staff_update', 'auth_loginStaff', 'auth_logout']));
  });

  it.each(OPERATIONS.map((o) => [`${o.method} ${o.path}`, o] as const))(
    '%s writes exactly one audit row when it fails fast (no token, empty body)',
    async (_name, op) => {
      const concrete = op.path.replace(/\{[^}]+\}/g, () => randomUUID());
      const id = requestId('coverage');
      const res = await rawFetch(t, concrete, { method: op.method, headers: { 'X-Request-Id': id }, json: {} });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const rows = await auditRowsFor(t, id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        method: op.method,
        path: concrete,
        statusCode: res.status,
        outcome: res.status === 400 || res.status === 404 || res.status === 409 || res.status === 422 ? 'failure' : 'denied',
        errorCode: expect.any(String),
        // The row names the matched operation (its action is the dotted operationId), not "route.unmatched".
        action: op.operationId.replace(/_/g, '.'),
      });
    },
  );

  it('no mutating handler opts out with @SkipAudit, each has an operationId, and each is in openapi.json', () => {
    const discovery = new DiscoveryService(t.app.get(ModulesContainer));
    const scanner = new MetadataScanner();
    const reflector = new Reflector();
    const documented = new Set(OPERATIONS.map((o) => o.operationId));
    const mutating: string[] = [];
    const problems: string[] = [];
    for (const wrapper of discovery.getControllers()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name] as object;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        if (![RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE, RequestMethod.ALL].includes(method)) continue;
        const where = `${controller.name}.${name}`;
        mutating.push(where);
        const skip = reflector.getAllAndOverride<string | undefined>(SKIP_AUDIT, [handler as never, controller]);
        if (skip) problems.push(`${where} has @SkipAudit(${JSON.stringify(skip)})`);
        const operationId = Reflect.getMetadata(OPERATION_ID, handler) as string | undefined;
        if (!operationId) problems.push(`${where} has no operationId (@ApiOp)`);
        else if (!documented.has(operationId)) problems.push(`${where} (${operationId}) is not a mutating operation of openapi.json`);
      }
    }
    expect(mutating.length).toBeGreaterThanOrEqual(OPERATIONS.length);
    expect(problems).toEqual([]);
  });
});
