import jsonata from 'jsonata';
import { ValidationError } from '../../../common/errors';

/** Longest payload definition, in characters. */
export const MAX_TEMPLATE_LENGTH = 10_000;
/** Compiled definitions kept for the delivery fan-out (each event renders every endpoint's), by source. */
const CACHE_SIZE = 500;
/** Longest time one rendering may take, ms (a runaway expression fails the message, not the worker). */
const RENDER_TIMEOUT_MS = 500;

/**
 * A webhook payload definition: a JSONata expression (https://docs.jsonata.org) evaluated over the
 * event envelope `{ eventId, type, occurredAt, tenantId, actor, data }` — it picks fields, renames
 * them and adds constants, e.g. `{ "kind": type, "email": data.email, "source": "control-plane" }`.
 * No `eval`: JSONata is an interpreter over the JSON value. Null: the envelope as is.
 */
export class PayloadTemplate {
  private static readonly compiled = new Map<string, PayloadTemplate>();
  private static readonly identity = new PayloadTemplate(null);

  private constructor(private readonly expression: jsonata.Expression | null) {}

  /**
   * Compiles `source` (null/empty: the identity). @throws ValidationError naming `field` with
   * JSONata's message and position when it does not parse.
   */
  static compile(source: string | null | undefined, field = 'payloadTemplate'): PayloadTemplate {
    if (source === null || source === undefined || source.trim() === '') return PayloadTemplate.identity;
    if (source.length > MAX_TEMPLATE_LENGTH) throw new ValidationError([{ field, message: `${field} must be at most ${MAX_TEMPLATE_LENGTH} characters` }]);
    const cached = PayloadTemplate.compiled.get(source);
    if (cached) return cached;
    try {
      const template = new PayloadTemplate(jsonata(source));
      // Oldest first out (a Map iterates in insertion order).
      if (PayloadTemplate.compiled.size >= CACHE_SIZE) PayloadTemplate.compiled.delete(PayloadTemplate.compiled.keys().next().value!);
      PayloadTemplate.compiled.set(source, template);
      return template;
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
