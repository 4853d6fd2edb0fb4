export { PARTNER_ERRORS } from './errors';
export { PartnersModule } from './partners/partners.module';
