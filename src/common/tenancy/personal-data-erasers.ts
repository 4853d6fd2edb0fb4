import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { PersonalDataEraser, personalDataEraserMarker } from './personal-data-eraser';

/** A discovered personal data eraser and the context that owns its tables. */
export interface RegisteredPersonalDataEraser {
  context: string;
  eraser: PersonalDataEraser;
}

/**
 * Registry of every provider marked `@ErasesPersonalData(context)`, found at module init, in a
 * stable order (context name). The compliance context walks it to build GDPR archives and to
 * erase a tenant's or a person's data, one context per transaction.
 */
@Injectable()
export class PersonalDataErasers implements OnModuleInit {
  private readonly logger = new Logger(PersonalDataErasers.name);
  private erasers: RegisteredPersonalDataEraser[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  /** @throws Error when a marked provider is request-scoped, lacks `sections`/`erase`, or a context has two: the app refuses to boot. */
  onModuleInit(): void {
    const found: RegisteredPersonalDataEraser[] = [];
    const seen = new Set<unknown>();
    for (const wrapper of this.discovery.getProviders({ metadataKey: personalDataEraserMarker.KEY })) {
      const meta = this.discovery.getMetadataByDecorator(personalDataEraserMarker, wrapper);
      if (!meta) continue;
      const instance = wrapper.instance as Partial<PersonalDataEraser> | undefined;
      if (!wrapper.isDependencyTreeStatic() || typeof instance?.erase !== 'function' || typeof instance.sections !== 'function') {
        throw new Error(`Personal data eraser ${wrapper.name} (${meta.context}) must be a singleton provider with sections() and erase().`);
      }
      if (seen.has(instance)) continue;
      seen.add(instance);
      if (found.some((f) => f.context === meta.context)) throw new Error(`Context ${meta.context} has two personal data erasers.`);
      found.push({ context: meta.context, eraser: instance as PersonalDataEraser });
    }
    this.erasers = found.sort((a, b) => a.context.localeCompare(b.context));
    this.logger.log(`personal data erasers: ${this.erasers.map((e) => e.context).join(', ') || 'none'}`);
  }

  /** The erasers, in the order they run. */
  all(): readonly RegisteredPersonalDataEraser[] {
    return this.erasers;
  }
}
