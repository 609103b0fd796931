import { ZConfigExport, ZConfigReloadInput, ZConfigReloadResult } from '@sla/shared';
import { AppError } from '../platform/errors.js';
import type { Admin } from '../trpc/context.js';
import { adminProcedure, router } from '../trpc/trpc.js';
import { type ConfigFileDeps, exportCurrentConfig, reloadConfig } from './service.js';

const TAGS = ['config'];
const GLOBAL =
  'Needs an admin token of all tenants ("Authorization: Bearer <token>"): 401 without a known token, 403 for an ingest token or a tenant admin.';

/** @throws AppError FORBIDDEN unless `admin` administers every tenant. */
function assertGlobalAdmin(admin: Admin): void {
  if (admin.tenants !== null)
    throw new AppError(
      'FORBIDDEN',
      `Token "${admin.label}" is a tenant admin; the rules file needs an admin of all tenants`,
    );
}

/** `configFile.*`: the rules file (docs/alerting.md "Rules as code"). */
export function configFileRouter(d: ConfigFileDeps) {
  return router({
    reload: adminProcedure
      .meta({
        openapi: {
          method: 'POST',
          path: '/config/reload',
          tags: TAGS,
          summary: 'Apply the rules file (CONFIG_FILE) across the fleet; ?dryRun=true only plans',
          description: `${GLOBAL} A file with problems is a 400 listing each as "<file>:<line>: <path>: <problem>"; nothing is applied.`,
          protect: true,
        },
      })
      .input(ZConfigReloadInput)
      .output(ZConfigReloadResult)
      .mutation(({ ctx, input }) => {
        assertGlobalAdmin(ctx.admin);
        return reloadConfig(d, input);
      }),
    export: adminProcedure
      .meta({
        openapi: {
          method: 'GET',
          path: '/config/export',
          tags: TAGS,
          summary:
            'The current configuration as a rules file (secrets as environment-variable placeholders, never values)',
          description: GLOBAL,
          protect: true,
        },
      })
      .output(ZConfigExport)
      .query(({ ctx }) => {
        assertGlobalAdmin(ctx.admin);
        return exportCurrentConfig(d);
      }),
  });
}
