// GET /v1/me: an operation that requires a JWT (the spec's `security`); pym checks the token before the handler runs.
import { getUserId } from '@pym/framework';
import type { Handler } from '../../apis/__API__.models';

export const getMe: Handler<'getMe'> = async () => {
  return { userId: getUserId()! };
};
