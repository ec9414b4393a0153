// Turn the callee's reply into the call's result (typed, models built) or into the RemoteError to throw.
import { compileSchema } from '../models/codec';
import { isPlainObject } from '../models/model';
import { ModelValueError } from '../models/model-error';
import { jsonContentSchema, responseOf } from '../models/operation-schemas';
import { isSchemaObject } from '../models/schema-utils';
import type { ErrorDetail } from '../errors/pym-error';
import type { ClientOperation } from './client-operations';
import { isJsonMediaType } from './client-operations';
import { RemoteError, UpstreamBadResponse, UpstreamError, UpstreamUnavailable, type RemoteReply } from './remote-error';

/** A successful reply: its status, its body as the spec declares it (models as instances), its headers. */
export interface ClientReply<S extends number = number, B = unknown> {
  status: S;
  body: B;
  headers: Headers;
}

/** A reply as read off the wire. */
export interface RawReply {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** Where the reply comes from, for errors. */
export interface ReplySource {
  service: string;
  operation: ClientOperation;
  attempts: number;
}

const MAX_TEXT_IN_ERROR = 1000;

function describeCall(source: ReplySource): string {
  return `${source.service}.${source.operation.operationId} (${source.operation.label})`;
}

function badResponse(source: ReplySource, raw: RawReply, why: string, cause?: unknown): RemoteError {
  return new UpstreamBadResponse(`${describeCall(source)} answered ${raw.status}: ${why}`, {
    service: source.service,
    operation: source.operation.operationId,
    attempts: source.attempts,
    remote: { status: raw.status, body: bodyForError(raw) },
    cause,
  });
}

/**
 * The result of a 2xx reply, read along the spec: the declared JSON body decoded (models as instances, dates as
 * Dates), a `text/*` body as a string, any other declared content as bytes (`Uint8Array`), no content as undefined.
 *
 * @throws UpstreamBadResponse for a status the operation does not declare, or a body that is not the declared JSON.
 */
export function successReply(source: ReplySource, raw: RawReply): ClientReply {
  const { operation } = source;
  const response = responseOf(operation.document, operation.operation, raw.status);
  if (!response) return fail(badResponse(source, raw, 'a status its spec does not declare'));
  const content = isSchemaObject(response.content) ? response.content : {};
  const reply = (body: unknown): ClientReply => ({ status: raw.status, body, headers: raw.headers });
  if (Object.keys(content).length === 0) return reply(undefined);
  const contentType = raw.headers.get('content-type') ?? '';
  const json = Object.keys(content).some(isJsonMediaType);
  if (json) {
    if (!isJsonMediaType(contentType)) return fail(badResponse(source, raw, `a ${contentType || 'body without Content-Type'} instead of the JSON its spec declares`));
    let value: unknown;
    try {
      value = JSON.parse(raw.body.toString('utf8'));
    } catch (error) {
      return fail(badResponse(source, raw, 'a body that is not valid JSON', error));
    }
    const schema = jsonContentSchema(content);
    const codec = schema ? compileSchema(operation.document, schema) : undefined;
    try {
      return reply(codec ? codec.decode(value) : value);
    } catch (error) {
      if (!(error instanceof ModelValueError)) throw error;
      return fail(badResponse(source, raw, `a body its models cannot hold (${error.message})`, error));
    }
  }
  const text = Object.keys(content).every((type) => /^text\//i.test(type)) || /^text\//i.test(contentType);
  return reply(text ? raw.body.toString('utf8') : new Uint8Array(raw.body));
}

function fail(error: RemoteError): never {
  throw error;
}

/** pym's error shape, `{ status, error: UPPER_CODE, error_description }`: what it says, and its `errors[]`. */
function pymErrorBody(value: unknown): { said: Required<Pick<RemoteReply, 'error' | 'error_description'>> & RemoteReply; errors?: ErrorDetail[] } | undefined {
  if (!isPlainObject(value)) return undefined;
  const { status, error, error_description: description } = value;
  if (typeof status !== 'number' || typeof error !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(error) || typeof description !== 'string') return undefined;
  const text = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : undefined);
  const errors = Array.isArray(value.errors)
    ? value.errors.filter((item): item is ErrorDetail => isPlainObject(item) && typeof item.path === 'string' && typeof item.message === 'string')
    : undefined;
  return { said: { status, error, error_description: description, error_id: text('error_id'), user_message: text('user_message') }, errors };
}

function parsedJson(raw: RawReply): unknown {
  if (!isJsonMediaType(raw.headers.get('content-type') ?? '')) return undefined;
  try {
    return JSON.parse(raw.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function bodyForError(raw: RawReply): unknown {
  const json = parsedJson(raw);
  if (json !== undefined) return json;
  const text = raw.body.toString('utf8');
  return text.length > MAX_TEXT_IN_ERROR ? `${text.slice(0, MAX_TEXT_IN_ERROR)}…` : text || undefined;
}

/**
 * The error of a reply that is not a success. A 4xx in pym's error shape keeps the callee's status, code,
 * description, user message and `errors[]`, so that it reaches the caller as the callee said it; a 503 is
 * UPSTREAM_UNAVAILABLE, any other 5xx, or an error not in pym's shape, UPSTREAM_ERROR (502). `remote` holds what
 * the callee said, its `error_id` included.
 */
export function errorReply(source: ReplySource, raw: RawReply): RemoteError {
  const pym = pymErrorBody(parsedJson(raw));
  const remote: RemoteReply = pym ? { ...pym.said, status: raw.status } : { status: raw.status, body: bodyForError(raw) };
  const options = { service: source.service, operation: source.operation.operationId, attempts: source.attempts, remote };
  if (pym && raw.status >= 400 && raw.status < 500) {
    return new RemoteError(pym.said.error, raw.status, pym.said.error_description, { ...options, userMessage: pym.said.user_message, errors: pym.errors });
  }
  if (raw.status < 400) return badResponse(source, raw, 'a status that is neither a success nor an error');
  const said = pym ? ` ${pym.said.error}: ${pym.said.error_description}${pym.said.error_id ? ` (error_id ${pym.said.error_id})` : ''}` : '';
  const message = `${describeCall(source)} answered ${raw.status}${said}`;
  return raw.status === 503 ? new UpstreamUnavailable(message, options) : new UpstreamError(message, options);
}
