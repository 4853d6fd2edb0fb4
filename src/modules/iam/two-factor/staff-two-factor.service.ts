import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { IsNull, Not } from 'typeorm';
import { RequestContext } from '../../../common/context';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../../common/errors';
import { Clock } from '../../../common/time';
import { APP_CONFIG, AppConfig } from '../../../config';
import { StaffMember } from '../entities/staff-member.entity';
import { PasswordHasher } from '../password-hasher';
import { TokenService } from '../token.service';
import { DisableTwoFactorDto, TwoFactorEnrollmentDto, TwoFactorStatus, TwoFactorStatusDto } from './two-factor.dto';
import { StaffRecoveryCode } from './staff-recovery-code.entity';
import { StaffTotpFactor } from './staff-totp-factor.entity';
import { Totp, TotpCheck } from './totp';
import { TwoFactorSecrets } from './two-factor-secrets';

/** Staff roles STAFF_2FA_REQUIRED applies to. */
const REQUIRED_ROLES: ReadonlySet<StaffMember['role']> = new Set(['owner', 'admin']);

/** 422 `two_factor_code_incorrect` for a signed-in member's wrong (or already used) code: the session itself is fine, so not a 401. */
function incorrectCode(check: Exclude<TotpCheck, 'valid'>): UnprocessableError {
  return new UnprocessableError('two_factor_code_incorrect', check === 'reused' ? 'This code was already used; wait for the next one.' : 'The code does not match the authenticator app.', { field: 'code' });
}

function statusOf(factor: StaffTotpFactor | null): TwoFactorStatus {
  return !factor ? 'not_enrolled' : factor.confirmedAt ? 'active' : 'pending';
}

/** What a staff member who typed the right password still has to do before receiving tokens. */
export type SecondFactorStep = 'none' | 'verify' | 'enroll';

/** A presented second factor: a TOTP code or a recovery code. */
export interface SecondFactor {
  code?: string;
  recoveryCode?: string;
}

/**
 * Staff two-factor authentication factors: a TOTP authenticator (RFC 6238) per staff member,
 * enrolled in two steps (a pending secret, then a first code confirms it), and a set of single-use
 * recovery codes issued on confirmation. Secrets are sealed, recovery codes stored as keyed hashes
 * ({@link TwoFactorSecrets}). The sign-in flow that asks for them is StaffSignIn.
 */
@Injectable()
export class StaffTwoFactorService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly secrets: TwoFactorSecrets,
    private readonly totp: Totp,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly context: RequestContext,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get factors() {
    return this.txHost.tx.getRepository(StaffTotpFactor);
  }

  private get recoveryCodes() {
    return this.txHost.tx.getRepository(StaffRecoveryCode);
  }

  /** Whether STAFF_2FA_REQUIRED applies to `role` (owners and admins, when it is on). */
  isRequiredFor(role: StaffMember['role']): boolean {
    return this.config.staffTwoFactor.required && REQUIRED_ROLES.has(role);
  }

  /** The step after a correct password: a second factor when enrolled, enrollment when required but missing, else none. */
  async stepAfterPassword(staff: Pick<StaffMember, 'id' | 'role'>): Promise<SecondFactorStep> {
    const active = await this.factors.exists({ where: { staffId: staff.id, confirmedAt: Not(IsNull()) } });
    if (active) return 'verify';
    return this.isRequiredFor(staff.role) ? 'enroll' : 'none';
  }

  /** Two-factor state of a staff member (never the secret). @throws NotFoundError `staff_member_not_found` */
  async status(staffId: string): Promise<TwoFactorStatusDto> {
    const staff = await this.txHost.tx.getRepository(StaffMember).findOne({ where: { id: staffId } });
    if (!staff) throw new NotFoundError('Staff member', staffId);
    const factor = await this.factors.findOne({ where: { staffId } });
    const remaining = factor?.confirmedAt ? await this.recoveryCodes.count({ where: { staffId, usedAt: IsNull() } }) : 0;
    return {
      status: statusOf(factor),
      enrolledAt: factor?.confirmedAt?.toISOString() ?? null,
      recoveryCodesRemaining: remaining,
      required: this.isRequiredFor(staff.role),
    };
  }

  /**
   * Starts (or restarts) an enrollment: a fresh secret replaces any pending one, in one upsert
   * that leaves an active factor untouched. Returns the secret and its otpauth:// URI — the only
   * time they are shown. @throws ConflictError `two_factor_already_enabled`
   */
  async beginEnrollment(staff: Pick<StaffMember, 'id' | 'email'>): Promise<TwoFactorEnrollmentDto> {
    const secret = Totp.generateSecret();
    const [row]: { id: string }[] = await this.txHost.tx.query(
      `INSERT INTO staff_totp_factors (staff_id, secret_sealed, confirmed_at) VALUES ($1, $2, NULL)
       ON CONFLICT (staff_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, created_at = now(), updated_at = now()
       WHERE staff_totp_factors.confirmed_at IS NULL
       RETURNING id`,
      [staff.id, this.secrets.seal(secret, staff.id)],
    );
    if (!row) throw new ConflictError('two_factor_already_enabled', 'Two-factor authentication is already enabled.', { state: 'enabled' });
    this.context.noteAudit({ resourceId: staff.id, after: { status: 'pending' } });
    const issuer = this.config.staffTwoFactor.issuer;
    return { secret, otpauthUri: Totp.uri(issuer, staff.email, secret), issuer, accountName: staff.email };
  }

  /**
   * Checks a code against the pending enrollment of `staffId` (row locked until the transaction
   * ends, so two confirmations cannot both issue recovery codes).
   * @throws ConflictError `two_factor_already_enabled` | `two_factor_enrollment_not_started`
   */
  async checkPendingCode(staffId: string, code: string): Promise<TotpCheck> {
    const factor = await this.lockedFactor(staffId);
    if (factor?.confirmedAt) throw new ConflictError('two_factor_already_enabled', 'Two-factor authentication is already enabled.', { state: 'enabled' });
    if (!factor) throw new ConflictError('two_factor_enrollment_not_started', 'Start an enrollment before confirming it.', { state: 'disabled' });
    return this.totp.verify(staffId, this.secrets.open(factor.secretSealed, staffId), code);
  }

  /**
   * Activates the pending factor whose code {@link checkPendingCode} accepted, and issues a new
   * set of recovery codes (replacing any older set). Returns the codes in clear — shown once.
   */
  async activate(staffId: string): Promise<string[]> {
    const now = this.clock.now();
    await this.factors.update({ staffId }, { confirmedAt: now, lastUsedAt: now });
    const codes = await this.issueRecoveryCodes(staffId);
    this.context.noteAudit({ resourceId: staffId, before: { status: 'pending' }, after: { status: 'active', enrolledAt: now.toISOString(), recoveryCodesIssued: codes.length } });
    return codes;
  }

  /**
   * Confirms the signed-in member's pending enrollment with a first code and returns the
   * recovery codes (shown once).
   * @throws UnprocessableError `two_factor_code_incorrect` naming `code`; ConflictError
   * `two_factor_already_enabled` | `two_factor_enrollment_not_started`
   */
  async confirmOwn(staffId: string, code: string): Promise<string[]> {
    const check = await this.checkPendingCode(staffId, code);
    if (check !== 'valid') throw incorrectCode(check);
    return this.activate(staffId);
  }

  /**
   * Checks a second factor of an enrolled staff member: a TOTP code (±1 step, once) or an unused
   * recovery code, which this consumes (one conditional UPDATE: single-use under concurrency).
   * `invalid` too when the member has no active factor (it was reset meanwhile).
   */
  async checkSecondFactor(staffId: string, factor: SecondFactor): Promise<TotpCheck> {
    const active = await this.lockedFactor(staffId);
    if (!active?.confirmedAt) return 'invalid';
    let check: TotpCheck;
    if (factor.code !== undefined) {
      check = await this.totp.verify(staffId, this.secrets.open(active.secretSealed, staffId), factor.code);
    } else {
      const consumed = await this.recoveryCodes
        .createQueryBuilder()
        .update()
        .set({ usedAt: this.clock.now() })
        .where('staff_id = :staffId AND code_hash = :hash AND used_at IS NULL', { staffId, hash: this.secrets.hashRecoveryCode(factor.recoveryCode ?? '') })
        .execute();
      check = consumed.affected ? 'valid' : 'invalid';
    }
    if (check === 'valid') await this.factors.update({ staffId }, { lastUsedAt: this.clock.now() });
    return check;
  }

  /**
   * Turns the caller's two-factor authentication off, proven by a current TOTP code or the
   * password (a lost authenticator with the password still in hand). Deletes the factor and its
   * recovery codes.
   * @throws ConflictError `two_factor_required_by_policy` | `two_factor_not_enabled`;
   * UnprocessableError `two_factor_code_incorrect` (naming `code` or `password`); ValidationError
   * when neither or both are sent.
   */
  async disableOwn(staff: Pick<StaffMember, 'id' | 'role'>, dto: DisableTwoFactorDto): Promise<void> {
    if ((dto.code === undefined) === (dto.password === undefined)) {
      throw new ValidationError([{ field: 'code', message: 'send either code or password' }]);
    }
    if (this.isRequiredFor(staff.role)) {
      throw new ConflictError('two_factor_required_by_policy', 'Two-factor authentication is required for owners and admins and cannot be turned off.', { state: 'required' });
    }
    const factor = await this.lockedFactor(staff.id);
    if (!factor?.confirmedAt) throw new ConflictError('two_factor_not_enabled', 'Two-factor authentication is not enabled.', { state: 'disabled' });
    if (dto.code !== undefined) {
      const check = await this.totp.verify(staff.id, this.secrets.open(factor.secretSealed, staff.id), dto.code);
      if (check !== 'valid') throw incorrectCode(check);
    } else {
      const row = await this.txHost.tx.getRepository(StaffMember).createQueryBuilder('s').addSelect('s.passwordHash').where('s.id = :id', { id: staff.id }).getOne();
      if (!(await this.hasher.verify(row?.passwordHash ?? null, dto.password!))) {
        throw new UnprocessableError('two_factor_code_incorrect', 'The password is incorrect.', { field: 'password' });
      }
    }
    await this.remove(staff.id, factor);
    this.context.noteAudit({ metadata: { proof: dto.code !== undefined ? 'totp' : 'password' } });
  }

  /**
   * An owner's reset of another staff member's two-factor authentication (a lost authenticator
   * and lost recovery codes): deletes the factor and recovery codes and signs the member out
   * everywhere; where STAFF_2FA_REQUIRED applies, the next sign-in asks to enroll again.
   * @throws NotFoundError `staff_member_not_found` | ConflictError `two_factor_not_enabled`
   */
  async reset(staffId: string): Promise<void> {
    const staff = await this.txHost.tx.getRepository(StaffMember).findOne({ where: { id: staffId } });
    if (!staff) throw new NotFoundError('Staff member', staffId);
    const factor = await this.lockedFactor(staffId);
    if (!factor) throw new ConflictError('two_factor_not_enabled', 'Two-factor authentication is not enabled.', { state: 'disabled' });
    await this.remove(staffId, factor);
    await this.tokens.revokeAllFor(staffId);
  }

  private async remove(staffId: string, factor: StaffTotpFactor): Promise<void> {
    await this.recoveryCodes.delete({ staffId });
    await this.factors.delete({ staffId });
    this.context.noteAudit({
      resourceId: staffId,
      before: { status: statusOf(factor), enrolledAt: factor.confirmedAt?.toISOString() ?? null },
      after: { status: 'not_enrolled' },
    });
  }

  /** The factor row of `staffId` with its sealed secret, locked FOR UPDATE; null when none. */
  private lockedFactor(staffId: string): Promise<StaffTotpFactor | null> {
    return this.factors
      .createQueryBuilder('f')
      .addSelect('f.secretSealed')
      .where('f.staff_id = :staffId', { staffId })
      .setLock('pessimistic_write')
      .getOne();
  }

  private async issueRecoveryCodes(staffId: string): Promise<string[]> {
    const codes = TwoFactorSecrets.generateRecoveryCodes();
    await this.recoveryCodes.delete({ staffId });
    await this.recoveryCodes.insert(codes.map((code) => ({ staffId, codeHash: this.secrets.hashRecoveryCode(code) })));
    return codes;
  }
}
