import 'reflect-metadata';
import { ApiProperty } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { PlanLimitsDto } from './dto/plan.dto';
import { MAX_LIMIT, MetricValueFields } from './metric-fields';
import { METRIC_CODES } from './metrics';

/** @nestjs/swagger's metadata keys (its constants are not exported). */
const DECORATORS = { API_MODEL_PROPERTIES: 'swagger/apiModelProperties', API_MODEL_PROPERTIES_ARRAY: 'swagger/apiModelPropertiesArray' };

/** The properties Swagger documents on a DTO class (`:name` entries, inherited ones included). */
const documented = (cls: { prototype: object }): string[] =>
  ((Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, cls.prototype) as string[] | undefined) ?? []).map((p) => p.slice(1));
const schemaOf = (cls: { prototype: object }, property: string): Record<string, unknown> =>
  Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, cls.prototype, property) as Record<string, unknown>;

/** Validation as the global ValidationPipe runs it (whitelist, forbidNonWhitelisted). */
const errorsOf = (body: object): Record<string, string[]> =>
  Object.fromEntries(
    validateSync(plainToInstance(PlanLimitsDto, body), { whitelist: true, forbidNonWhitelisted: true }).map((e) => [e.property, Object.keys(e.constraints ?? {})]),
  );

describe('DTOs derived from the metric registry', () => {
  it('PlanLimitsDto documents one optional, nullable integer per registry metric, described from the registry', () => {
    expect(documented(PlanLimitsDto)).toEqual([...METRIC_CODES]);
    expect(schemaOf(PlanLimitsDto, 'members')).toMatchObject({ type: 'integer', nullable: true, required: false, minimum: 0, maximum: MAX_LIMIT });
    expect(String(schemaOf(PlanLimitsDto, 'automationsPerMonth').description)).toContain('total in the current calendar month (UTC)');
    expect(String(schemaOf(PlanLimitsDto, 'orgAdmins').description)).toContain('Active tenant users with role admin (seats; current level)');
  });

  it('PlanLimitsDto accepts every registry metric (integer or null) and refuses anything else, naming it', () => {
    expect(errorsOf(Object.fromEntries(METRIC_CODES.map((m, i) => [m, i % 2 ? null : i])))).toEqual({});
    expect(errorsOf({})).toEqual({});
    expect(errorsOf({ seats: 3 })).toEqual({ seats: ['whitelistValidation'] });
    expect(errorsOf({ members: 1.5, domains: -1, projects: MAX_LIMIT + 1 })).toEqual({ members: ['isInt'], domains: ['min'], projects: ['max'] });
  });

  it('response DTOs carry every registry metric as a required integer besides their own fields', () => {
    class UsageLikeDto extends MetricValueFields() {
      @ApiProperty() tenantId: string;
    }
    class OtherDto extends MetricValueFields() {}
    expect(documented(UsageLikeDto)).toEqual([...METRIC_CODES, 'tenantId']);
    expect(schemaOf(UsageLikeDto, 'domains')).toMatchObject({ type: 'integer', minimum: 0 });
    // Each DTO gets its own base: one DTO's own fields never leak into another's schema.
    expect(documented(OtherDto)).toEqual([...METRIC_CODES]);
  });
});
