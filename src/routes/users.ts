import { createUser, getUser, removeUser, updateUser } from '../domain/users';
import { register, type App } from '../http/endpoint';
import { UserCreateRequest, UserGetRequest, UserRemoveRequest, UserUpdateRequest } from '../schemas/user';

/** `/user/*` (PRODUCT.md §5.6). */
export function registerUserRoutes(app: App): void {
  register(app, {
    path: '/user/create',
    plane: 'api',
    request: UserCreateRequest,
    handle: ({ storage, secrets, client, input }) => createUser(storage, secrets, client, input),
  });

  register(app, {
    path: '/user/get',
    plane: 'api',
    request: UserGetRequest,
    handle: ({ storage, secrets, client, input }) => getUser(storage, secrets, client, input.user_id),
  });

  register(app, {
    path: '/user/update',
    plane: 'api',
    request: UserUpdateRequest,
    handle: ({ storage, secrets, client, input }) => updateUser(storage, secrets, client, input),
  });

  register(app, {
    path: '/user/remove',
    plane: 'api',
    request: UserRemoveRequest,
    handle: ({ storage, secrets, client, input }) => removeUser(storage, secrets, client, input),
  });
}
