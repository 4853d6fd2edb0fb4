'use strict';
/**
 * Spectral function for the list conventions of this API (README "For frontend teams"):
 * - a list operation (`<area>_list`) answers 200 with one of the two shared envelopes:
 *   `{ data: Item[], meta: PageMetaDto }` (offset; meta may extend PageMetaDto) or
 *   `{ data: Item[], meta: CursorMetaDto }` (keyset);
 * - its query parameters are the paging/sorting/search/range vocabulary or filters named after a
 *   field of the listed item: `status` filters `status`, `isActive` filters `isActive`,
 *   `tenantId` filters `tenantId`; `<field>Code` filters the `code` of an object field (`planCode`
 *   → `plan.code`), `<object><Field>` a member of an object field (`healthRisk` → `health.risk`), a singular name an array field (`tag` → `tags`), `<word>WithinDays` a
 *   date-time window; so the same concept has one name across lists.
 * Given: `$.paths[*].get`. Returns one message per violation.
 */
const VOCABULARY = new Set(['limit', 'offset', 'cursor', 'sort', 'order', 'q', 'from', 'to']);

function resolve(document, node) {
  let current = node;
  for (let guard = 0; current && current.$ref && guard < 10; guard += 1) {
    const path = current.$ref.replace(/^#\//, '').split('/');
    current = path.reduce((at, key) => (at ? at[key] : undefined), document);
  }
  return current;
}

function refName(node) {
  return node && typeof node.$ref === 'string' ? node.$ref.split('/').pop() : undefined;
}

module.exports = function listConventions(operation, _options, context) {
  if (!operation || typeof operation.operationId !== 'string' || !operation.operationId.endsWith('_list')) return [];
  const document = context.document.data;
  const results = [];
  const ok = operation.responses && operation.responses['200'];
  const schemaRef = ok && ok.content && ok.content['application/json'] && ok.content['application/json'].schema;
  const envelope = resolve(document, schemaRef);
  const meta = envelope && envelope.properties && envelope.properties.meta;
  const metaName = refName(meta);
  const metaSchema = resolve(document, meta);
  const has = (keys) => Boolean(metaSchema && metaSchema.properties && keys.every((k) => metaSchema.properties[k]));
  // Offset meta (PageMetaDto or a subclass adding members) or keyset meta (CursorMetaDto).
  const offsetMeta = has(['total', 'limit', 'offset']);
  const cursorMeta = has(['nextCursor', 'limit']) && !has(['offset']);
  const data = envelope && envelope.properties && envelope.properties.data;
  if (!envelope || !data || data.type !== 'array' || !(metaName === 'CursorMetaDto' || metaName === 'PageMetaDto' || offsetMeta || cursorMeta)) {
    results.push({ message: `${operation.operationId} must answer 200 with PageOf(Item) ({ data, meta: PageMetaDto }) or CursorPageOf(Item) ({ data, meta: CursorMetaDto })`, path: [...context.path, 'responses', '200'] });
    return results;
  }
  const item = resolve(document, data.items) || {};
  const fields = item.properties || {};
  for (const [index, parameter] of (operation.parameters || []).entries()) {
    const p = resolve(document, parameter);
    if (!p || p.in !== 'query' || VOCABULARY.has(p.name)) continue;
    const name = p.name;
    const codeOf = /^(.+)Code$/.exec(name);
    const memberOf = /^([a-z]+)([A-Z][A-Za-z]*)$/.exec(name);
    const declared = memberOf && resolve(document, fields[memberOf[1]]);
    // A nullable object field is `anyOf: [{ $ref }, { type: 'null' }]` (OpenAPI 3.1).
    const variants = declared && (declared.anyOf || declared.allOf || declared.oneOf);
    const objectField = variants ? resolve(document, variants.find((v) => v.$ref || v.properties)) : declared;
    const member = memberOf && memberOf[2][0].toLowerCase() + memberOf[2].slice(1);
    const named =
      fields[name] !== undefined ||
      Boolean(objectField && objectField.properties && objectField.properties[member] !== undefined) ||
      fields[`${name}s`] !== undefined ||
      (codeOf && fields[codeOf[1]] !== undefined) ||
      /^[a-z]+[A-Za-z]*WithinDays$/.test(name);
    if (!named) {
      results.push({
        message: `${operation.operationId}: filter '${name}' names no field of ${refName(data.items) || 'the listed item'}; name a filter after the field it filters (status, isActive, tenantId, …)`,
        path: [...context.path, 'parameters', index],
      });
    }
  }
  return results;
};
