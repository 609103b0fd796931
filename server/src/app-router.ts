import { authRouter } from './auth/router.js';
import { cacheRouter } from './cache/router.js';
import { entitiesRouter } from './readmodel/router.js';
import { router } from './trpc/trpc.js';

export const appRouter = router({
  cache: cacheRouter,
  entities: entitiesRouter,
  auth: authRouter,
});

/** The router's type is all the web app imports from the server. */
export type AppRouter = typeof appRouter;
