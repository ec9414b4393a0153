// Typed handlers: HandlerOf<Op> turns an operation's generated types into the type of its handler function.
import type { HandlerInput } from '../http/handler';
import type { Reply } from '../http/reply';
import type { TaskStatus } from '../tasks/task-status';

/** What a generated `Operations` interface holds for one operation. */
export interface OperationTypes {
  /** The request body as the handler gets it (models as instances), `undefined` when there is none. */
  body: unknown;
  /** Path, query, header and cookie parameters by name. */
  params: unknown;
  /** What the handler may return: the success response's fields (a model instance fits too). */
  response: unknown;
}

/**
 * What a handler of response type `T` may return: the body, or a Reply, possibly in a Promise. Any
 * operation may also answer `accepted(taskRef)` (202 with pym's task status document).
 */
export type HandlerResult<T> = T | Reply<T> | Reply<TaskStatus> | Promise<T | Reply<T> | Reply<TaskStatus>>;

/**
 * The type of the handler of one operation, from its generated types. Generated modules export
 * `type Handler<K extends keyof Operations> = HandlerOf<Operations[K]>`, so that tsc rejects a
 * wrong body type, an unknown parameter or a wrong return type.
 *
 * @example
 * import type { Handler } from '../apis/books.models';
 * export const createBook: Handler<'createBook'> = async ({ body, params }) => new Book({ ...body, id: params.id });
 */
export type HandlerOf<Op extends OperationTypes> = (input: HandlerInput<Op['body'], Op['params']>) => HandlerResult<Op['response']>;
