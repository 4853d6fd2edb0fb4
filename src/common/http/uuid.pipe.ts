import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { ValidationError } from '../errors/app-error';

/**
 * Validates a uuid path parameter; a bad one is a 400 problem whose `errors` names the
 * parameter (`{ field: 'tenantId', message: 'tenantId must be a UUID' }`).
 */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (isUUID(value)) return value;
    const field = metadata.data ?? 'id';
    throw new ValidationError([{ field, message: `${field} must be a UUID` }]);
  }
}
