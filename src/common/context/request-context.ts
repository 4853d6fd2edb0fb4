import { Injectable } from '@nestjs/common';
import { ClsService, ClsStore } from 'nestjs-cls';

/** Who is acting: platform staff, a tenant user, a partner (API key) or the system itself. */
export type ActorType = 'platform' | 'tenant' | 'partner' | 'service' | 'system';

/** The authenticated principal of a request, as read from its verified token. */
export interface Actor {
  type: ActorType;
  id: string | null;
  email: string | null;
  role: string | null;
  tenantId: string | null;
  /** Staff id of the impersonator when the token carries an RFC 8693 `act` claim. */
  impersonatorId: string | null;
  /** Impersonation session id (`sid`), when impersonating. */
  sessionId: string | null;
  /** Refresh-token family of the login that issued the token (`fid`), if any. */
  familyId: string | null;
  /** Whether the actor's tenant is suspended (by staff or billing); false for non-tenant actors. */
  tenantSuspended: boolean;
  /** Whether staff suspended it (false when only billing suspended it for non-payment). */
  tenantSuspendedByStaff: boolean;
  /**
   * The tenant's module entitlements as cached in Redis (JSON of TenantEntitlements, read with the
   * token inspection), or null when not cached or not a tenant actor.
   */
  moduleEntitlements: string | null;
  /** A service principal's OAuth client id (`svc_…`); its `id` is the client's row id. */
  clientId?: string;
  /** A service principal's granted scopes (RFC 6749 §3.3). */
  scopes?: readonly string[];
}

/** The system actor used by jobs, relays and bootstrap work. */
export const SYSTEM_ACTOR: Actor = {
  type: 'system',
  id: null,
  email: null,
  role: null,
  tenantId: null,
  impersonatorId: null,
  sessionId: null,
  familyId: null,
  tenantSuspended: false,
  tenantSuspendedByStaff: false,
  moduleEntitlements: null,
};

/** Route facts captured by the first guard, for code that runs where no ExecutionContext exists. */
export interface RouteRef {
  controller: object;
  handler: (...args: unknown[]) => unknown;
}

/** Audit facts a service may add to the audit row of the current request. */
export interface AuditNote {
  /** Who acted, when the request carries no token (e.g. the email of a login attempt). */
  actor?: Partial<Pick<Actor, 'type' | 'id' | 'email' | 'tenantId' | 'clientId'>>;
  resourceId?: string;
  resourceType?: string;
  tenantId?: string;
  before?: unknown;
  after?: unknown;
  metadata?: Record<string, unknown>;
  /** Overrides the derived action, e.g. `auth.login.tenant`. */
  action?: string;
}

/**
 * Mutable per-request state. It is one object shared by reference, so writes made inside a
 * nested CLS context (a transaction) are still seen by the filter and the audit trail.
 */
export interface RequestState {
  audit: AuditNote;
  auditWritten: boolean;
}

export interface RequestStore extends ClsStore {
  actor?: Actor;
  ip?: string;
  userAgent?: string;
  route?: RouteRef;
  state?: RequestState;
}

/**
 * Typed access to the request context held in CLS (nestjs-cls): request id, actor, tenant,
 * impersonator, and audit notes. Outside a request (jobs) the actor is {@link SYSTEM_ACTOR}.
 */
@Injectable()
export class RequestContext {
  constructor(private readonly cls: ClsService<RequestStore>) {}

  /** Request id (incoming `X-Request-Id`, else generated); null outside a CLS context. */
  get requestId(): string | null {
    return this.cls.isActive() ? (this.cls.getId() ?? null) : null;
  }

  get actor(): Actor {
    return (this.cls.isActive() && this.cls.get('actor')) || SYSTEM_ACTOR;
  }

  setActor(actor: Actor): void {
    this.cls.set('actor', actor);
  }

  get tenantId(): string | null {
    return this.actor.tenantId;
  }

  get ip(): string | null {
    return (this.cls.isActive() && this.cls.get('ip')) || null;
  }

  get userAgent(): string | null {
    return (this.cls.isActive() && this.cls.get('userAgent')) || null;
  }

  /** Merges facts into the audit row of the current request (no-op outside a request). */
  noteAudit(note: AuditNote): void {
    const state = this.state;
    if (state) Object.assign(state.audit, note);
  }

  /**
   * Runs `work` with a fresh audit note and returns what it noted (before/after, metadata), for a
   * job that writes one audit row per item from the same notes the domain services make on a
   * request. Needs an active CLS context (a job run has one).
   */
  async captureAuditNote<T>(work: () => Promise<T>): Promise<{ result: T; note: AuditNote }> {
    const previous = this.cls.get('state');
    const state: RequestState = { audit: {}, auditWritten: false };
    this.cls.set('state', state);
    try {
      return { result: await work(), note: state.audit };
    } finally {
      this.cls.set('state', previous as RequestState);
    }
  }

  get auditNote(): AuditNote {
    return this.state?.audit ?? {};
  }

  /** The request's shared mutable state; null outside an HTTP request. */
  get state(): RequestState | null {
    return (this.cls.isActive() && this.cls.get('state')) || null;
  }

  /** Route captured by the authentication guard; null before it ran (e.g. unknown route). */
  get route(): RouteRef | null {
    return (this.cls.isActive() && this.cls.get('route')) || null;
  }
}
