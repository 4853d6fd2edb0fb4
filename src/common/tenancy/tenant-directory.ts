/** Lifecycle status of a tenant as other contexts see it. */
export type TenantStatus = 'active' | 'suspended' | 'deleted';

/** What identity and guards need to know about a tenant. */
export interface TenantRef {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
}

/**
 * Port through which contexts that may not depend on the tenants context (iam, plans) look up
 * a tenant; the tenants context provides the adapter globally (docs/adr/0002).
 */
export abstract class TenantDirectory {
  /** The tenant with this slug, or null. */
  abstract findBySlug(slug: string): Promise<TenantRef | null>;
  /**
   * The tenant with this id, or null. With `lockForShare` (inside a transaction) the row is read
   * `FOR SHARE`, so a concurrent suspend or delete waits until the caller commits: a decision
   * taken on the tenant's status cannot race a status change.
   */
  abstract findById(id: string, opts?: { lockForShare?: boolean }): Promise<TenantRef | null>;
  /** Who is billed: the tenant's name, contact and billing emails, phone, locale and currency; null for an unknown id. */
  abstract billingContact(id: string): Promise<TenantBillingContact | null>;
  /**
   * Changes who is billed (billing email, contact email, phone) in the caller's transaction, with
   * the tenant's own `tenant.updated` event and version bump. Returns the contact after the change.
   */
  abstract updateBillingContact(id: string, patch: Partial<Pick<TenantBillingContact, 'billingEmail' | 'contactEmail' | 'contactPhone'>>): Promise<TenantBillingContact>;
}

/** The billing-relevant profile of a tenant (billingEmail falls back to contactEmail where a bill is sent). */
export interface TenantBillingContact {
  name: string;
  contactEmail: string;
  billingEmail: string | null;
  contactPhone: string | null;
  locale: string;
  currency: string;
}
