import { createUser, getUser, removeUser, updateUser } from '../domain/users';
import { register, type App } from '../http/endpoint';
import { UserCreateRequest, UserGetRequest, UserRemoveRequest, UserUpdateRequest } from '../schemas/user';

/** `/user/*` (PRODUCT.md §5.6). */
export function registerUserRoutes(app: App): void {
  register(app, {
    path: '/user/create',
    plane: 'api',
    request: UserCreateRequest,
    handle: ({ db, secrets, client, input }) => createUser(db, secrets, client.id, input),
  });

  register(app, {
    path: '/user/get',
    plane: 'api',
    request: UserGetRequest,
    handle: ({ db, secrets, client, input }) => getUser(db, secrets, client.id, input.user_id),
  });

  register(app, {
    path: '/user/update',
    plane: 'api',
    request: UserUpdateRequest,
    handle: ({ db, secrets, client, input }) => updateUser(db, secrets, client.id, input),
  });

  register(app, {
    path: '/user/remove',
    plane: 'api',
    request: UserRemoveRequest,
    handle: ({ db, secrets, client, input }) => removeUser(db, secrets, client.id, input),
  });
}
