import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EventBus, UnitOfWork } from '../../common/events';
import { APP_CONFIG, AppConfig } from '../../config';
import { StaffMember } from './entities/staff-member.entity';
import { StaffCreatedEvent } from './events/staff.events';
import { PasswordHasher } from './password-hasher';

/**
 * Creates the first platform owner from BOOTSTRAP_OWNER_EMAIL/PASSWORD when no staff exists.
 * A transaction-scoped advisory lock makes concurrent boots of several instances create one.
 */
@Injectable()
export class BootstrapOwnerService {
  private readonly logger = new Logger(BootstrapOwnerService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly uow: UnitOfWork,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly hasher: PasswordHasher,
    private readonly events: EventBus,
  ) {}

  /** Returns the created owner's id, or null when staff already exists or no owner is configured. */
  async ensureOwner(): Promise<string | null> {
    const owner = this.config.bootstrapOwner;
    if (!owner) return null;
    return this.uow.run(async () => {
      await this.txHost.tx.query(`SELECT pg_advisory_xact_lock(hashtext('bootstrap-owner'))`);
      if ((await this.txHost.tx.getRepository(StaffMember).count()) > 0) return null;
      const staff = await this.txHost.tx.getRepository(StaffMember).save({
        email: owner.email,
        fullName: 'Platform Owner',
        role: 'owner',
        passwordHash: await this.hasher.hash(owner.password),
        isActive: true,
      });
      await this.events.publish(new StaffCreatedEvent(null, { staffId: staff.id, email: staff.email, role: 'owner', isActive: true }));
      this.logger.log(`created bootstrap owner ${owner.email}`);
      return staff.id;
    });
  }
}
