/**
 * Shape of a jsonb column. `any` members keep TypeORM's deep-partial insert types happy; values
 * are plain JSON.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonObject = Record<string, any>;
