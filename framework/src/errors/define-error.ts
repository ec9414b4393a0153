// defineError: declare an error code once and get a throwable class for it.
import { PymError, type PymErrorOptions } from './pym-error';
import { registerErrorCode } from './error-registry';

/** A class made by `defineError`: `new X(message?, options?)`. */
export interface DefinedErrorClass {
  new (message?: string, options?: PymErrorOptions): PymError;
  readonly code: string;
  readonly status: number;
  /** The generic description, shown instead of the message for 5xx errors. */
  readonly description: string;
}

/**
 * Declare an error code with its HTTP status, and get a class to throw.
 *
 * @example
 * export const BookNotFound = defineError('BookNotFound', 'BOOK_NOT_FOUND', 404, 'No such book');
 * throw new BookNotFound(`No book with id ${id}`);
 */
export function defineError(name: string, code: string, status: number, description = name): DefinedErrorClass {
  registerErrorCode({ code, status, name, description });
  const defined = class extends PymError {
    static readonly code = code;
    static readonly status = status;
    static readonly description = description;
    constructor(message: string = description, options?: PymErrorOptions) {
      super(code, status, message, options);
      this.name = name;
    }
  };
  Object.defineProperty(defined, 'name', { value: name });
  return defined;
}
