import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { IsIsoDateTimeInRange, PageQueryDto } from '../../../common/http';
import { WEBHOOK_ORDERINGS, WebhookOrdering } from './webhook-endpoint.entity';
import { WEBHOOK_MESSAGE_STATUSES, WebhookMessageStatus } from './webhook-message.entity';

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

/** A custom header sent with every delivery (e.g. the partner's API key). */
export class WebhookHeaderInputDto {
  @ApiProperty({ example: 'X-Api-Key', description: 'Header name; not one of the headers the control plane sets (content-type, user-agent, webhook-*, host, content-length)' })
  @IsString()
  @Matches(HEADER_NAME, { message: 'name must be an HTTP header name' })
  name: string;

  @ApiProperty({ example: 'pk_live_51H…', description: 'Header value (at most 2,000 characters)' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @Matches(/^[^\r\n]*$/, { message: 'value must not contain line breaks' })
  value: string;

  @ApiPropertyOptional({ default: true, description: 'A secret value (a key, a token) is stored encrypted and shown masked; default true' })
  @IsOptional()
  @IsBoolean()
  secret?: boolean;
}

/** Fields of an endpoint a caller sets. */
export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://hooks.partner.example/control-plane', description: 'Where deliveries are POSTed; https in production; no private, loopback or link-local address' })
  @IsString()
  @MaxLength(2000)
  url: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', description: 'The partner this endpoint belongs to (tenant endpoints only)' })
  @IsOptional()
  @IsUUID('all')
  partnerId?: string | null;

  @ApiProperty({ type: [String], example: ['user.*', 'subscription.renewed'], description: 'Catalog event types (GET …/event-types), `family.*` wildcards, or `*`' })
  @IsString({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  eventTypes: string[];

  @ApiPropertyOptional({ default: true, description: 'false: created switched off (nothing is delivered)' })
  @IsOptional()
  @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional({ type: [WebhookHeaderInputDto], description: 'Custom headers (at most 10); on update the list replaces the stored one' })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => WebhookHeaderInputDto)
  @ArrayMaxSize(10)
  headers?: WebhookHeaderInputDto[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '{ "kind": type, "email": data.email, "source": "control-plane" }',
    description:
      'Payload definition: a JSONata expression (docs.jsonata.org) over the event envelope `{ eventId, type, occurredAt, tenantId, actor, data }` that picks, renames and adds fields. Validated when saved; null: the envelope as is.',
  })
  @IsOptional()
  @IsString()
  payloadTemplate?: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 1000, description: 'Most deliveries per second to this endpoint; null: no limit' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  rateLimitPerSecond?: number | null;

  @ApiPropertyOptional({ enum: WEBHOOK_ORDERINGS, default: 'none', description: '`per_tenant`: one message at a time, in event order (a failing message holds the later ones until it succeeds or fails)' })
  @IsOptional()
  @IsIn(WEBHOOK_ORDERINGS)
  ordering?: WebhookOrdering;
}

/** A change to an endpoint: only the fields given change (`headers` replaces the list). */
export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ example: 'https://hooks.partner.example/control-plane' }) @IsOptional() @IsString() @MaxLength(2000) url?: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 }) @IsOptional() @IsString() @MaxLength(500) description?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid' }) @IsOptional() @IsUUID('all') partnerId?: string | null;
  @ApiPropertyOptional({ type: [String], example: ['user.*'] }) @IsOptional() @IsString({ each: true }) @ArrayMinSize(1) @ArrayMaxSize(50) @ArrayUnique() eventTypes?: string[];
  @ApiPropertyOptional({ description: 'Switching a disabled endpoint back on clears its failure count and breaker' }) @IsOptional() @IsBoolean() isActive?: boolean;
  @ApiPropertyOptional({ type: [WebhookHeaderInputDto] }) @IsOptional() @ValidateNested({ each: true }) @Type(() => WebhookHeaderInputDto) @ArrayMaxSize(10) headers?: WebhookHeaderInputDto[];
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() payloadTemplate?: string | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 1000 }) @IsOptional() @IsInt() @Min(1) @Max(1000) rateLimitPerSecond?: number | null;
  @ApiPropertyOptional({ enum: WEBHOOK_ORDERINGS }) @IsOptional() @IsIn(WEBHOOK_ORDERINGS) ordering?: WebhookOrdering;
}

/** A stored custom header; a secret value is masked. */
export class WebhookHeaderDto {
  @ApiProperty({ example: 'X-Api-Key' }) name: string;
  @ApiProperty({ example: 'pk_l…(32)', description: 'The value, or for a secret its first 4 characters and length' }) value: string;
  @ApiProperty() secret: boolean;
}

/** An outbound webhook endpoint (tenant) or platform webhook (staff). */
export class WebhookEndpointDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'null: a platform webhook' }) tenantId: string | null;
  @ApiProperty() url: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) partnerId: string | null;
  @ApiProperty({ type: [String] }) eventTypes: string[];
  @ApiProperty({ description: 'Whether deliveries are made (false: disabled, see disabledReason)' }) isActive: boolean;
  @ApiProperty({ type: String, nullable: true, enum: ['manual', 'gone', 'failing'], description: 'Why it is disabled: by a person, the receiver answered 410 Gone, or it failed for days' }) disabledReason: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) disabledAt: string | null;
  @ApiProperty({ type: [WebhookHeaderDto] }) headers: WebhookHeaderDto[];
  @ApiProperty({ type: String, nullable: true }) payloadTemplate: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) rateLimitPerSecond: number | null;
  @ApiProperty({ enum: WEBHOOK_ORDERINGS }) ordering: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Until then the previous signing secret signs too (24 h after a rotation)' }) previousSecretExpiresAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** An endpoint with its signing secret: shown only on creation and rotation. */
export class WebhookEndpointWithSecretDto extends WebhookEndpointDto {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'Standard Webhooks signing secret; shown only now' }) signingSecret: string;
}

/** Path of endpoint routes. */
export class WebhookEndpointParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') endpointId: string;
}

/** Path of message routes. */
export class WebhookMessageParams extends WebhookEndpointParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') messageId: string;
}

/** Filter and paging of an endpoint list. */
export class WebhookEndpointListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only active (true) or disabled (false) endpoints' })
  @IsOptional()
  @IsIn(['true', 'false'])
  isActive?: 'true' | 'false';
}

/** Filter and paging of the delivery log. */
export class WebhookMessageListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: WEBHOOK_MESSAGE_STATUSES }) @IsOptional() @IsIn(WEBHOOK_MESSAGE_STATUSES) status?: WebhookMessageStatus;
  @ApiPropertyOptional({ example: 'user.created' }) @IsOptional() @IsString() @MaxLength(100) eventType?: string;
}

/** `{ eventType }`: render or send a sample of this catalog type. */
export class WebhookEventTypeDto {
  @ApiProperty({ example: 'user.created' }) @IsString() @MaxLength(100) eventType: string;
}

/** What the endpoint would receive for a sample event. */
export class WebhookPreviewDto {
  @ApiProperty({ example: 'user.created' }) eventType: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The sample event envelope the definition ran on' }) event: Record<string, unknown>;
  @ApiProperty({ description: 'The body that would be sent (any JSON value)' }) body: unknown;
}

/** One event for one endpoint. */
export class WebhookMessageDto {
  @ApiProperty({ format: 'uuid', description: 'The `webhook-id` of every attempt (stable across retries)' }) id: string;
  @ApiProperty({ format: 'uuid' }) endpointId: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ example: 'user.created' }) eventType: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The tenant the event is about' }) eventTenantId: string | null;
  @ApiProperty({ description: 'A test message (POST …/test)' }) test: boolean;
  @ApiProperty({ enum: WEBHOOK_MESSAGE_STATUSES }) status: string;
  @ApiProperty({ type: 'integer' }) attempts: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When the next attempt is due (pending or retrying)' }) nextAttemptAt: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) lastStatusCode: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) succeededAt: string | null;
  @ApiProperty({ description: 'The JSON body sent (any JSON value)' }) body: unknown;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** One HTTP attempt. */
export class WebhookAttemptDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) messageId: string;
  @ApiProperty({ type: 'integer' }) attemptNumber: number;
  @ApiProperty() url: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Headers sent; secret values masked' }) requestHeaders: Record<string, string>;
  @ApiProperty() requestBody: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'null: no response (timeout, refused address, connection error)' }) responseStatus: number | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: { type: 'string' } }) responseHeaders: Record<string, string> | null;
  @ApiProperty({ type: String, nullable: true, description: 'First 4 KB of the response body' }) responseBody: string | null;
  @ApiProperty({ type: 'integer' }) durationMs: number;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty() success: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** `{ since }` of a replay: every failed message created since then is delivered again. */
export class WebhookReplayDto {
  @IsIsoDateTimeInRange({ description: 'Replay failed messages created at or after this instant' })
  since: Date;
}

/** How many messages a replay or retry queued. */
export class WebhookReplayResultDto {
  @ApiProperty({ type: 'integer' }) queued: number;
}

/** A test delivery: the message and its first attempt. */
export class WebhookTestResultDto {
  @ApiProperty({ type: WebhookMessageDto }) message: WebhookMessageDto;
  @ApiProperty({ type: WebhookAttemptDto, nullable: true, description: 'null: the attempt was postponed (breaker open or rate limit); see the message' }) attempt: WebhookAttemptDto | null;
}

/** Health of one endpoint. */
export class WebhookEndpointHealthDto {
  @ApiProperty({ format: 'uuid' }) endpointId: string;
  @ApiProperty() url: string;
  @ApiProperty() isActive: boolean;
  @ApiProperty({ type: String, nullable: true }) disabledReason: string | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'Share of successful attempts in the last 24 h (0–1); null: no attempt' }) successRate24h: number | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'Share of successful attempts in the last 7 days (0–1)' }) successRate7d: number | null;
  @ApiProperty({ type: 'integer' }) attempts24h: number;
  @ApiProperty({ type: 'integer', nullable: true, description: '95th percentile attempt duration in the last 24 h, ms' }) p95LatencyMs24h: number | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastSuccessAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastFailureAt: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ type: 'integer' }) consecutiveFailures: number;
  @ApiProperty({ enum: ['closed', 'open', 'half_open'], description: 'open: attempts wait until the breaker half-opens; half_open: the next attempt is a probe' }) breaker: 'closed' | 'open' | 'half_open';
  @ApiProperty({ type: 'integer', description: 'Messages waiting (pending, delivering or retrying)' }) backlog: number;
  @ApiProperty({ type: 'integer', description: 'Messages failed in the last 7 days' }) failed7d: number;
}

/** The tenant's integrations at a glance. */
export class IntegrationsHealthDto {
  @ApiProperty({ enum: ['healthy', 'degraded', 'failing', 'none'], description: 'failing: an enabled endpoint has its breaker open or was disabled by failures; degraded: failures in the last 24 h' }) status: string;
  @ApiProperty({ type: 'integer' }) endpoints: number;
  @ApiProperty({ type: 'integer' }) activeEndpoints: number;
  @ApiProperty({ type: 'integer' }) disabledEndpoints: number;
  @ApiProperty({ type: 'integer' }) activePartners: number;
  @ApiProperty({ type: 'number', nullable: true }) successRate24h: number | null;
  @ApiProperty({ type: 'integer' }) backlog: number;
  @ApiProperty({ type: [WebhookEndpointHealthDto] }) endpointHealth: WebhookEndpointHealthDto[];
}

/** One event type of the catalog. */
export class EventTypeDto {
  @ApiProperty({ example: 'user.created' }) type: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema of the event’s `data` (the payload)' }) schema: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'An example payload' }) example: Record<string, unknown>;
}


/** One header a receiver gets. */
export class WebhookDocsHeaderDto {
  @ApiProperty() name: string;
  @ApiProperty() description: string;
}

/** What an endpoint will receive and how to verify it. */
export class WebhookEndpointDocsDto {
  @ApiProperty({ format: 'uuid' }) endpointId: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String], description: 'The catalog types this endpoint’s subscriptions resolve to' }) eventTypes: string[];
  @ApiProperty({ type: [WebhookDocsHeaderDto] }) headers: WebhookDocsHeaderDto[];
  @ApiProperty({ type: WebhookPreviewDto, nullable: true, description: 'A rendered example for the first subscribed type' }) example: WebhookPreviewDto | null;
  @ApiProperty({ description: 'How to verify a delivery (Node, the standardwebhooks library)' }) verification: string;
}
