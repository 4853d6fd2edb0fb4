import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { JwtStrategy } from './jwt.strategy';
import { TokenRevocations } from './token-revocations';

/** Authentication mechanism: passport-jwt strategy and the Redis revocation list. */
@Global()
@Module({
  imports: [PassportModule],
  providers: [JwtStrategy, TokenRevocations],
  exports: [TokenRevocations],
})
export class AuthModule {}
