import type { AppRouter } from '@sla/server';
import { createTRPCReact } from '@trpc/react-query';
import type { inferRouterOutputs } from '@trpc/server';

/** Typed hooks for the pod's router; only the router's type crosses into the bundle. */
export const trpc = createTRPCReact<AppRouter>();
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type Facets = RouterOutputs['entities']['facets'];
