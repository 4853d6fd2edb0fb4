/** Metered metrics (issue 3 §1): members, orgAdmins, projects, domains, automationsPerMonth. */
export const USAGE_METRICS = ['members', 'orgAdmins', 'projects', 'domains', 'automationsPerMonth'] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

/** Column of tenant_usage that counts each metric. */
export const METRIC_COLUMN: Record<UsageMetric, string> = {
  members: 'member_count',
  orgAdmins: 'org_admin_count',
  projects: 'project_count',
  domains: 'domain_count',
  automationsPerMonth: 'automation_runs_this_month',
};

/** Counters of one tenant keyed by metric. */
export type UsageSnapshot = Record<UsageMetric, number>;
