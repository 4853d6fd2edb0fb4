import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { RequestContext } from '../../../common/context';
import { UnauthorizedError, ValidationError } from '../../../common/errors';
import { Clock } from '../../../common/time';
import { StaffMember } from '../entities/staff-member.entity';
import { SecondFactorRequiredError, TwoFactorEnrollmentRequiredError } from '../errors';
import { LoginAttemptLimiter } from '../login-attempt-limiter';
import { AuthenticationMethod, PASSWORD_ONLY, TokenPair, TokenService } from '../token.service';
import { ChallengePurpose, SignInChallenges } from './sign-in-challenges';
import { StaffTwoFactorService } from './staff-two-factor.service';
import { TotpCheck } from './totp';
import { ConfirmChallengeEnrollmentDto, EnrolledSignInDto, TwoFactorEnrollmentDto, VerifyTwoFactorDto } from './two-factor.dto';

/** `amr` of a login that passed the password and a one-time password (RFC 8176 §2: `pwd`, `otp`, and `mfa` for more than one factor). */
export const PASSWORD_AND_OTP: readonly AuthenticationMethod[] = ['pwd', 'otp', 'mfa'];

/** Limiter scope of second-factor failures per account, whatever the IP (a guesser that rotates addresses still runs out). */
const SECOND_FACTOR_SCOPE = 'platform-2fa';

const INVALID_CHALLENGE = 'The sign-in challenge is invalid or expired; sign in again.';

/**
 * The staff sign-in after the password: issues the session straight away, or — when the member
 * has two-factor authentication, or STAFF_2FA_REQUIRED applies to the role — answers 401 with a
 * challenge instead of tokens (the shape of Auth0's `mfa_required` and WorkOS's `mfa_challenge`:
 * a client that does not know about two-factor sign-in sees an error, never a session without
 * tokens). The challenge is finished by a second factor ({@link verify}) or, for a member who
 * must enroll first, by an enrollment made with the enrollment-only challenge
 * ({@link beginChallengeEnrollment}, {@link confirmChallengeEnrollment}), which can do nothing else.
 *
 * Lock-out: a wrong code counts as a failed sign-in in the {@link LoginAttemptLimiter} (per IP
 * and email, with the password failures: a password step that leads to a challenge is not
 * forgiven until the second factor passes) and per account whatever the IP; five wrong codes
 * burn the challenge.
 */
@Injectable()
export class StaffSignIn {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly twoFactor: StaffTwoFactorService,
    private readonly challenges: SignInChallenges,
    private readonly tokens: TokenService,
    private readonly limiter: LoginAttemptLimiter,
    private readonly context: RequestContext,
    private readonly clock: Clock,
  ) {}

  /**
   * Called once the password of `staff` is verified.
   * @throws SecondFactorRequiredError | TwoFactorEnrollmentRequiredError (401, with the challenge)
   */
  async afterPassword(staff: StaffMember): Promise<TokenPair> {
    const step = await this.twoFactor.stepAfterPassword(staff);
    if (step === 'none') {
      await this.limiter.reset('platform', this.context.ip, staff.email);
      return this.startSession(staff, PASSWORD_ONLY);
    }
    this.context.noteAudit({ metadata: { secondFactor: step === 'verify' ? 'challenged' : 'enrollment_required' } });
    const challenge = await this.challenges.issue(staff.id, step);
    throw step === 'verify' ? new SecondFactorRequiredError(challenge) : new TwoFactorEnrollmentRequiredError(challenge);
  }

  /**
   * Finishes a challenged sign-in with a TOTP code or a recovery code: the normal token pair,
   * with `amr` pwd otp mfa.
   * @throws UnauthorizedError `invalid_two_factor_challenge` | `invalid_second_factor` |
   * `two_factor_code_reused` | `account_inactive`; TooManyRequestsError; ValidationError when
   * neither or both of code and recoveryCode are sent.
   */
  async verify(dto: VerifyTwoFactorDto): Promise<TokenPair> {
    if ((dto.code === undefined) === (dto.recoveryCode === undefined)) {
      throw new ValidationError([{ field: 'code', message: 'send either code or recoveryCode' }]);
    }
    this.context.noteAudit({ metadata: { method: dto.code !== undefined ? 'totp' : 'recovery_code' } });
    const staff = await this.challengedStaff(dto.challengeToken, 'verify');
    await this.reserveAttempt(staff);
    const check = await this.twoFactor.checkSecondFactor(staff.id, dto);
    await this.refuseUnlessValid(dto.challengeToken, check);
    if (dto.recoveryCode !== undefined) {
      this.context.noteAudit({ metadata: { method: 'recovery_code', recoveryCodesRemaining: (await this.twoFactor.status(staff.id)).recoveryCodesRemaining } });
    }
    return this.finish(dto.challengeToken, staff);
  }

  /**
   * First step of an enrollment made at sign-in with an enrollment-only challenge: a new pending
   * secret. The challenge stays open for the confirmation.
   * @throws UnauthorizedError `invalid_two_factor_challenge` | `account_inactive`; ConflictError `two_factor_already_enabled`
   */
  async beginChallengeEnrollment(challengeToken: string): Promise<TwoFactorEnrollmentDto> {
    const staff = await this.challengedStaff(challengeToken, 'enroll');
    return this.twoFactor.beginEnrollment(staff);
  }

  /**
   * Confirms an enrollment made at sign-in: activates the factor, returns the recovery codes
   * (shown once) and the token pair of the now two-factor login.
   * @throws UnauthorizedError `invalid_two_factor_challenge` | `invalid_second_factor` | `two_factor_code_reused` | `account_inactive`;
   * ConflictError `two_factor_enrollment_not_started`; TooManyRequestsError
   */
  async confirmChallengeEnrollment(dto: ConfirmChallengeEnrollmentDto): Promise<EnrolledSignInDto> {
    const staff = await this.challengedStaff(dto.challengeToken, 'enroll');
    await this.reserveAttempt(staff);
    await this.refuseUnlessValid(dto.challengeToken, await this.twoFactor.checkPendingCode(staff.id, dto.code));
    const recoveryCodes = await this.twoFactor.activate(staff.id);
    return { ...(await this.finish(dto.challengeToken, staff)), recoveryCodes };
  }

  /** The active staff member a live challenge of `purpose` belongs to, noted as the audit actor. */
  private async challengedStaff(token: string, purpose: ChallengePurpose): Promise<StaffMember> {
    this.context.noteAudit({ resourceType: 'staff' });
    const challenge = await this.challenges.find(token, purpose);
    if (!challenge) throw new UnauthorizedError(INVALID_CHALLENGE, 'invalid_two_factor_challenge');
    const staff = await this.txHost.tx.getRepository(StaffMember).findOne({ where: { id: challenge.staffId } });
    if (staff) this.context.noteAudit({ actor: { type: 'platform', id: staff.id, email: staff.email }, resourceId: staff.id });
    if (!staff?.isActive) throw new UnauthorizedError('The account is no longer active.', 'account_inactive');
    return staff;
  }

  /** Counts the attempt before the code is checked (forgotten when it passes), per IP + email and per account. */
  private async reserveAttempt(staff: StaffMember): Promise<void> {
    await this.limiter.reserveAttempt('platform', this.context.ip, staff.email);
    await this.limiter.reserveAttempt(SECOND_FACTOR_SCOPE, null, staff.email);
  }

  /** A wrong or replayed code: counted on the challenge, then 401. */
  private async refuseUnlessValid(token: string, check: TotpCheck): Promise<void> {
    if (check === 'valid') return;
    await this.challenges.recordFailure(token);
    if (check === 'reused') throw new UnauthorizedError('This code was already used; wait for the next one.', 'two_factor_code_reused');
    throw new UnauthorizedError('The code is incorrect.', 'invalid_second_factor');
  }

  /** Consumes the challenge (single-use: a concurrent twin loses), forgives the attempts and starts the session. */
  private async finish(token: string, staff: StaffMember): Promise<TokenPair> {
    if (!(await this.challenges.consume(token))) throw new UnauthorizedError(INVALID_CHALLENGE, 'invalid_two_factor_challenge');
    await this.limiter.reset('platform', this.context.ip, staff.email);
    await this.limiter.reset(SECOND_FACTOR_SCOPE, null, staff.email);
    return this.startSession(staff, PASSWORD_AND_OTP);
  }

  private async startSession(staff: StaffMember, amr: readonly AuthenticationMethod[]): Promise<TokenPair> {
    await this.txHost.tx.getRepository(StaffMember).update(staff.id, { lastLoginAt: this.clock.now() });
    return this.tokens.issuePair({ kind: 'platform', id: staff.id, email: staff.email, role: staff.role, tenantId: null }, undefined, amr);
  }
}
