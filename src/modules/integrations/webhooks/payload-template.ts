import jsonata from 'jsonata';
import { ValidationError } from '../../../common/errors';

/** Longest payload definition, in characters. */
export const MAX_TEMPLATE_LENGTH = 10_000;
/** Longest time one rendering may take, ms (a runaway expression fails the message, not the worker). */
const RENDER_TIMEOUT_MS = 500;

/**
 * A webhook payload definition: a JSONata expression (https://docs.jsonata.org) evaluated over the
 * event envelope `{ eventId, type, occurredAt, tenantId, actor, data }` — it picks fields, renames
 * them and adds constants, e.g. `{ "kind": type, "email": data.email, "source": "control-plane" }`.
 * No `eval`: JSONata is an interpreter over the JSON value. Null: the envelope as is.
 */
export class PayloadTemplate {
  private constructor(private readonly expression: jsonata.Expression | null) {}

  /**
   * Compiles `source` (null/empty: the identity). @throws ValidationError naming `field` with
   * JSONata's message and position when it does not parse.
   */
  static compile(source: string | null | undefined, field = 'payloadTemplate'): PayloadTemplate {
    if (source === null || source === undefined || source.trim() === '') return new PayloadTemplate(null);
    if (source.length > MAX_TEMPLATE_LENGTH) throw new ValidationError([{ field, message: `${field} must be at most ${MAX_TEMPLATE_LENGTH} characters` }]);
    try {
      return new PayloadTemplate(jsonata(source));
    } catch (err) {
      const e = err as { message?: string; position?: number };
      throw new ValidationError([{ field, message: `${field} is not a valid JSONata expression: ${e.message ?? String(err)}${e.position !== undefined ? ` (at ${e.position})` : ''}` }]);
    }
  }

  /**
   * The body sent for `envelope`: the template's result (must be a JSON object or array), or the
   * envelope itself. @throws Error with JSONata's message when evaluation fails or yields nothing.
   */
  async render(envelope: object): Promise<unknown> {
    if (!this.expression) return envelope;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the payload definition took longer than ${RENDER_TIMEOUT_MS} ms`)), RENDER_TIMEOUT_MS);
    });
    try {
      const result: unknown = await Promise.race([this.expression.evaluate(envelope), timeout]);
      if (result === undefined) throw new Error('the payload definition produced nothing for this event');
      return JSON.parse(JSON.stringify(result));
    } finally {
      clearTimeout(timer);
    }
  }
}
