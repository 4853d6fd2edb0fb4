import { ValidationError as ClassValidatorError } from 'class-validator';
import { FieldError, ValidationError } from './app-error';

/** Flattens class-validator errors to `{ field, message }` with dotted paths (`admin.email`). */
export function flattenValidationErrors(errors: ClassValidatorError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push({ field, message: message.replace(/^property (\S+) should not exist$/, 'is not allowed (unknown field $1)') });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** `exceptionFactory` of the global ValidationPipe: a 400 naming every invalid field. */
export function validationExceptionFactory(errors: ClassValidatorError[]): ValidationError {
  return new ValidationError(flattenValidationErrors(errors));
}
