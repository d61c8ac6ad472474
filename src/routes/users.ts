import { createUser, getUser, removeUser, updateUser } from '../domain/users';
import { register, type App } from '../http/endpoint';
import { plaidResponse } from '../schemas/plaid';
import { UserCreateRequest, UserGetRequest, UserRemoveRequest, UserUpdateRequest } from '../schemas/user';

/** `/user/*` (docs/product.md §5.6). */
export function registerUserRoutes(app: App): void {
  register(app, {
    path: '/user/create',
    summary: 'Create a user (a user token for your end user)',
    plane: 'api',
    request: UserCreateRequest,
    response: plaidResponse('UserCreateResponse'),
    handle: ({ storage, secrets, client, input }) => createUser(storage, secrets, client, input),
  });

  register(app, {
    path: '/user/get',
    summary: 'Get a user and its identity',
    plane: 'api',
    request: UserGetRequest,
    response: plaidResponse('UserGetResponse'),
    handle: ({ storage, secrets, client, input }) => getUser(storage, secrets, client, input.user_id),
  });

  register(app, {
    path: '/user/update',
    summary: "Update a user's identity",
    plane: 'api',
    request: UserUpdateRequest,
    response: plaidResponse('UserUpdateResponse'),
    handle: ({ storage, secrets, client, input }) => updateUser(storage, secrets, client, input),
  });

  register(app, {
    path: '/user/remove',
    summary: 'Remove a user',
    plane: 'api',
    request: UserRemoveRequest,
    response: plaidResponse('UserRemoveResponse'),
    handle: ({ storage, secrets, client, input }) => removeUser(storage, secrets, client, input),
  });
}
