// Type-level test of generated handler types (acceptance 2): compiled by tsc (tsconfig.test.json and generated-compiles.test.ts), never run.
import {
  Answer,
  Book,
  Question,
  type BookFields,
  type Handler,
  type Operations,
} from '../fixtures/models/everything/everything.models';
import { created, noContent, reply } from '../../src/http/reply';

// Positive cases: these must compile.

export const createBook: Handler<'createBook'> = async ({ body }) => {
  const title: string = body.title;
  const json: Record<string, unknown> = body.toJSON();
  return created(new Book({ ...body, title: title.trim(), isbn: String(json.isbn) }), '/v1/books/1');
};

export const getBook: Handler<'getBook'> = ({ params }) => {
  const id: number = params.id;
  const since: string | undefined = params.since;
  const trace: string | undefined = params['X-Trace-Id'];
  const plain: BookFields = { title: `${id}${since ?? ''}${trace ?? ''}`, isbn: 'x', author: { name: 'A' } };
  return plain;
};

export const importBooks: Handler<'importBooks'> = async ({ body }) => ({ imported: body.length, firstPublished: body[0]?.published });

export const deleteBook: Handler<'deleteBook'> = async () => noContent();

export const answerQuestion: Handler<'answerQuestion'> = async ({ body, params }) => body.toReply(params.id, new Date());

export const adoptPet: Handler<'adoptPet'> = async ({ body }) => (body ? reply(200, body) : reply(202, undefined));

// A reply without a body (a status only, or with headers) fits any operation's handler.
export const notFoundReply: Handler<'getBook'> = async ({ params }) => (params.id > 0 ? { title: 'T', isbn: 'x' } : reply(404));
export const goneReply: Handler<'getBook'> = () => reply(410, undefined, { 'Cache-Control': 'no-store' });

export const questionFromRegistry = (question: Question): Answer => question.toReply('x', new Date());

type CreateBody = Operations['createBook']['body'];
export const bodyIsAnInstance: CreateBody extends Book ? true : false = true;

// Negative cases: each line after @ts-expect-error must be a type error (tsc fails on an unused directive).

// Wrong body type: createBook's body is a Book, not a Question.
// @ts-expect-error the body of createBook is not a Question
export const wrongBody: Handler<'createBook'> = async ({ body }: { body: Question }) => new Book({ title: body.text, isbn: 'x' });

export const wrongBodyUse: Handler<'createBook'> = async ({ body }) => {
  // @ts-expect-error Book has no property `text`
  const text: string = body.text;
  return new Book({ title: text, isbn: 'x' });
};

export const unknownParam: Handler<'getBook'> = async ({ params }) => {
  // @ts-expect-error getBook has no parameter `bookId`
  const id = params.bookId;
  return { title: String(id), isbn: 'x' };
};

export const wrongParamType: Handler<'getBook'> = async ({ params }) => {
  // @ts-expect-error id is an int64 number, not a string
  const id: string = params.id;
  return { title: id, isbn: 'x' };
};

// @ts-expect-error getBook must return a Book (title is required)
export const missingField: Handler<'getBook'> = async () => ({ isbn: 'x' });

// @ts-expect-error getBook returns a Book, not an Answer model
export const wrongReturn: Handler<'getBook'> = async () => new Answer({ text: 'no' });

// @ts-expect-error a field of the wrong type in a plain result
export const wrongFieldType: Handler<'importBooks'> = async () => ({ imported: 'two' });

// @ts-expect-error a Reply's body is checked too
export const wrongReplyBody: Handler<'createBook'> = async () => reply(201, { title: 42, isbn: 'x' });

// @ts-expect-error there is no operation named createBooks
export type Misspelled = Handler<'createBooks'>;

// @ts-expect-error a nested plain object where the constructor expects fields of the right type
export const wrongNested = new Book({ title: 'T', isbn: 'I', author: { name: 1 } });
