import 'reflect-metadata';
import type { DiscoveryService } from '@nestjs/core';
import { countMetricJoinSql } from './usage-counters.service';
import { UsageSourceMeta } from './usage-source';
import { UsageSources } from './usage-sources';

/** A registry over hand-made provider wrappers (what DiscoveryService would find). */
function sourcesOf(providers: { name: string; meta: UsageSourceMeta; instance: unknown; static?: boolean }[]): UsageSources {
  const discovery = {
    getProviders: () => providers.map((p) => ({ ...p, isDependencyTreeStatic: () => p.static ?? true })),
    getMetadataByDecorator: (_marker: unknown, wrapper: { meta: UsageSourceMeta }) => wrapper.meta,
  } as unknown as DiscoveryService;
  const registry = new UsageSources(discovery);
  registry.onModuleInit();
  return registry;
}

const measuring = (values: Record<string, unknown>) => ({ measure: async () => values });

describe('UsageSources (recount sources found by discovery)', () => {
  it('registers each source with its metrics and merges what they measure', async () => {
    const registry = sourcesOf([
      { name: 'Seats', meta: { owner: 'iam', metrics: ['members', 'orgAdmins'] }, instance: measuring({ members: 4, orgAdmins: 1 }) },
      { name: 'Domains', meta: { owner: 'domains', metrics: ['domains'] }, instance: measuring({ domains: 2 }) },
    ]);
    expect(registry.list()).toEqual([
      { owner: 'domains', name: 'Domains', metrics: ['domains'] },
      { owner: 'iam', name: 'Seats', metrics: ['members', 'orgAdmins'] },
    ]);
    expect(registry.metrics()).toEqual(['domains', 'members', 'orgAdmins']);
    await expect(registry.measure('t1', new Date())).resolves.toEqual({ domains: 2, members: 4, orgAdmins: 1 });
  });

  it('refuses to boot on a source that reports another owner’s metric, a metric reported twice, or no measure()', () => {
    expect(() => sourcesOf([{ name: 'Wrong', meta: { owner: 'iam', metrics: ['projects'] }, instance: measuring({}) }])).toThrow(/registry gives projects to projects/);
    expect(() =>
      sourcesOf([
        { name: 'A', meta: { owner: 'iam', metrics: ['members'] }, instance: measuring({}) },
        { name: 'B', meta: { owner: 'iam', metrics: ['members'] }, instance: measuring({}) },
      ]),
    ).toThrow(/members is reported by both A and B/);
    expect(() => sourcesOf([{ name: 'Mute', meta: { owner: 'iam', metrics: ['members'] }, instance: {} }])).toThrow(/measure/);
    expect(() => sourcesOf([{ name: 'Scoped', meta: { owner: 'iam', metrics: ['members'] }, instance: measuring({}), static: false }])).toThrow(/singleton/);
  });

  it('refuses a measurement that leaves out a declared metric or is not a non-negative integer', async () => {
    for (const values of [{ members: 3 }, { members: 3, orgAdmins: -1 }, { members: 3, orgAdmins: 1.5 }, { members: '3', orgAdmins: 1 }]) {
      const registry = sourcesOf([{ name: 'Seats', meta: { owner: 'iam', metrics: ['members', 'orgAdmins'] }, instance: measuring(values) }]);
      await expect(registry.measure('t1', new Date())).rejects.toThrow(/expected a non-negative integer/);
    }
  });
});

describe('countMetricJoinSql (read-model contract, docs/adr/0004)', () => {
  it('joins the level’s counter at the fixed period start, by primary key', () => {
    expect(countMetricJoinSql('members', 't.id', 'u')).toBe(
      `LEFT JOIN usage_counters u ON u.tenant_id = t.id AND u.metric = 'members' AND u.period_start = DATE '1970-01-01'`,
    );
    expect(() => countMetricJoinSql("members' OR true --" as never, 't.id', 'u')).toThrow(/registry/);
  });
});
