import { Global, Module } from '@nestjs/common';
import { RequestContext } from './request-context';

/** Provides {@link RequestContext} everywhere. */
@Global()
@Module({ providers: [RequestContext], exports: [RequestContext] })
export class ContextModule {}
