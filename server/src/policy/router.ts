import { ZMaintenanceWindow, ZTenantSettings } from '@sla/shared';
import { z } from 'zod';
import { adminProcedure, readProcedure, router } from '../trpc/trpc.js';
import { type SettingsDeps, setTenantSettings, ZSetSettings } from './settings.js';
import {
  ZOccurrence,
  ZOccurrencesInput,
  ZWindowCreate,
  ZWindowId,
  ZWindowList,
  ZWindowUpdate,
} from './window-input.js';
import { listWindows, windowOccurrences } from './window-reads.js';
import { createWindow, deleteWindow, updateWindow, type WindowDeps } from './windows.js';

const TAGS = ['windows'];
const WRITE =
  "Needs an admin token for the window's tenant (\"Authorization: Bearer <token>\", or the dashboard's admin session): 401 without a known token, 403 for an ingest token or another tenant's admin. Bad input is a 400 naming the field; every write is kept in the audit log.";

/** `windows.*`: maintenance windows (reads from the pod's PolicyStore; writes audited, admin only). */
export function windowsRouter(d: WindowDeps) {
  return router({
    list: readProcedure
      .meta({ openapi: { method: 'GET', path: '/windows', tags: TAGS, summary: 'Maintenance windows', protect: true } })
      .input(ZWindowList)
      .output(z.object({ items: z.array(ZMaintenanceWindow) }))
      .query(({ input }) => listWindows(d.store, d.view, input)),
    occurrences: readProcedure
      .meta({
        openapi: {
          method: 'GET',
          path: '/windows/occurrences',
          tags: TAGS,
          summary: 'Occurrences of the windows that apply, in [from, to) (at most 400 days)',
          protect: true,
        },
      })
      .input(ZOccurrencesInput)
      .output(z.object({ items: z.array(ZOccurrence) }))
      .query(({ input }) => windowOccurrences(d.store, d.view, input)),
    create: adminProcedure
      .meta({
        openapi: {
          method: 'POST',
          path: '/windows',
          tags: TAGS,
          summary: 'Create a maintenance window',
          description: WRITE,
          protect: true,
        },
      })
      .input(ZWindowCreate)
      .output(ZMaintenanceWindow)
      .mutation(({ ctx, input }) => createWindow(d, ctx.admin, input)),
    update: adminProcedure
      .meta({
        openapi: {
          method: 'PATCH',
          path: '/windows/{id}',
          tags: TAGS,
          summary: 'Change a maintenance window',
          description: WRITE,
          protect: true,
        },
      })
      .input(ZWindowUpdate)
      .output(ZMaintenanceWindow)
      .mutation(({ ctx, input }) => updateWindow(d, ctx.admin, input)),
    delete: adminProcedure
      .meta({
        openapi: {
          method: 'DELETE',
          path: '/windows/{id}',
          tags: TAGS,
          summary: 'Delete a maintenance window',
          description: WRITE,
          protect: true,
        },
      })
      .input(ZWindowId)
      .output(ZMaintenanceWindow)
      .mutation(({ ctx, input }) => deleteWindow(d, ctx.admin, input.id)),
  });
}

/**
 * `budgets.settings` / `budgets.setSettings`: per-tenant budget settings, merged under
 * `budgets` with the budget procedures (app-router.ts).
 */
export function settingsRouter(d: SettingsDeps) {
  return router({
    settings: readProcedure
      .input(z.object({ tenantName: z.string().min(1).max(256) }))
      .output(ZTenantSettings)
      .query(({ input }) => d.store.settingsOf(input.tenantName)),
    setSettings: adminProcedure
      .meta({
        openapi: {
          method: 'POST',
          path: '/budgets/settings',
          tags: ['budgets'],
          summary: "Set a tenant's budget settings (null: back to the global default)",
          description:
            "Needs an admin token for the tenant: 401 without a known token, 403 for an ingest token or another tenant's admin. An unknown tenant or time zone is a 400 naming the field; every change is kept in the audit log.",
          protect: true,
        },
      })
      .input(ZSetSettings)
      .output(ZTenantSettings)
      .mutation(({ ctx, input }) => setTenantSettings(d, ctx.admin, input)),
  });
}
