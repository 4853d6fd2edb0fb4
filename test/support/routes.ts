import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { TestApp } from './app';

/** One route handler of the running app, as Nest's router sees it. */
export interface DiscoveredRoute {
  controller: new (...args: never[]) => object;
  /** Method name on the controller. */
  name: string;
  /** The handler function (the target of route metadata). */
  handler: object;
  method: RequestMethod;
  /** Whether the method changes state (POST, PUT, PATCH, DELETE or ALL). */
  mutating: boolean;
}

const MUTATING = new Set([RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE, RequestMethod.ALL]);

/** Every route handler Nest discovered in `t` (controllers of test modules included). */
export function discoveredRoutes(t: TestApp): DiscoveredRoute[] {
  const discovery = new DiscoveryService(t.app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const routes: DiscoveredRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as DiscoveredRoute['controller'] | null;
    if (!controller) continue;
    for (const name of scanner.getAllMethodNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name] as object;
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
      routes.push({ controller, name, handler, method, mutating: MUTATING.has(method) });
    }
  }
  return routes;
}
