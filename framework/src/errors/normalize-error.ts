// Turn anything thrown while serving a request (ours, the validator's, body-parser's) into a PymError.
import { error as validatorErrors } from 'express-openapi-validator';
import { isPymError, type ErrorDetail, type PymError } from './pym-error';
import {
  InvalidParameter,
  MethodNotAllowed,
  NotAcceptable,
  NotFound,
  PayloadTooLarge,
  ServerError,
  UnsupportedMediaType,
} from './builtin-errors';

/** The base class of express-openapi-validator's errors (not exported by the package itself). */
const ValidatorHttpError = Object.getPrototypeOf(validatorErrors.BadRequest) as new (...args: never[]) => Error;

interface ValidatorErrorShape extends Error {
  status: number;
  path?: string;
  headers?: Record<string, string>;
  errors?: { path?: string; message: string }[];
}

interface BodyParserErrorShape extends Error {
  type: string;
  status?: number;
  limit?: number;
  charset?: string;
}

function isBodyParserError(err: unknown): err is BodyParserErrorShape {
  return err instanceof Error && typeof (err as BodyParserErrorShape).type === 'string' && 'expose' in err;
}

function fromBodyParser(err: BodyParserErrorShape): PymError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new InvalidParameter('The request body is not valid JSON', {
        cause: err,
        errors: [{ path: '/body', message: 'is not valid JSON' }],
      });
    case 'entity.too.large':
      return new PayloadTooLarge(`The request body is larger than the ${err.limit ?? 'configured'} bytes allowed`, {
        cause: err,
      });
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new UnsupportedMediaType(`The request body's ${err.type.split('.')[0]} is not supported`, { cause: err });
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new InvalidParameter('The request body could not be read', { cause: err });
    default:
      return undefined;
  }
}

/**
 * Any other client error of the body readers (http-errors marked `expose`, with a 4xx status): a gzip body that
 * does not inflate, a form with too many fields… Their own messages stay in the logs.
 */
function fromClientHttpError(err: unknown): PymError | undefined {
  if (!(err instanceof Error) || (err as { expose?: unknown }).expose !== true) return undefined;
  const status = (err as { status?: unknown }).status;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  if (status === 413) return new PayloadTooLarge('The request body is too large', { cause: err });
  if (status === 415) return new UnsupportedMediaType('The request body is in a form this service does not accept', { cause: err });
  return new InvalidParameter('The request body could not be read', { cause: err, errors: [{ path: '/body', message: 'could not be read' }] });
}

function detailsOf(err: ValidatorErrorShape): ErrorDetail[] {
  // The validator names path parameters `/params/x`; pym says `/path/x`, like the spec's `in: path`.
  return (err.errors ?? []).map((detail) => ({
    path: (detail.path ?? err.path ?? '').replace(/^\/params\//, '/path/'),
    message: detail.message,
  }));
}

function fromValidator(err: ValidatorErrorShape): PymError | undefined {
  const options = { cause: err, errors: detailsOf(err) };
  switch (err.status) {
    case 400:
      return new InvalidParameter(summarize(err), options);
    case 404:
      return new NotFound('Not found', { cause: err });
    case 405:
      return new MethodNotAllowed(err.message, { cause: err, headers: err.headers });
    case 406:
      return new NotAcceptable(err.message, { cause: err });
    case 413:
      return new PayloadTooLarge('The request body is too large', { cause: err });
    case 415:
      return new UnsupportedMediaType(err.message, {
        cause: err,
        errors: [{ path: '/header/content-type', message: err.message }],
      });
    default:
      return undefined;
  }
}

function summarize(err: ValidatorErrorShape): string {
  const count = err.errors?.length ?? 0;
  return count > 1 ? `The request has ${count} invalid parameters` : `Invalid parameter: ${err.message}`;
}

/**
 * Map any thrown value to a PymError. Unknown errors become a 500 SERVER_ERROR whose `cause` keeps the
 * original for logs; their message never reaches the client outside debug mode.
 */
export function normalizeError(err: unknown): PymError {
  if (isPymError(err)) return err;
  if (isBodyParserError(err)) {
    const mapped = fromBodyParser(err);
    if (mapped) return mapped;
  }
  if (err instanceof ValidatorHttpError) {
    const mapped = fromValidator(err as ValidatorErrorShape);
    if (mapped) return mapped;
  }
  return fromClientHttpError(err) ?? new ServerError(undefined, { cause: err });
}
