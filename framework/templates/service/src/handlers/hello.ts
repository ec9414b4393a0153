// GET /v1/hello: a public operation.
import type { Handler } from '../../apis/__API__.models';

export const hello: Handler<'hello'> = async ({ params }) => {
  return { message: `Hello, ${params.name ?? 'world'}!` };
};
