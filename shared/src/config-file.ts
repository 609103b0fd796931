import { z } from 'zod';

const ZSpec = z.record(z.string(), z.unknown());

/** One kind's share of a rules-file plan: what applying the file creates, updates and deletes, by key. */
export const ZConfigKindPlan = z.object({
  create: z.array(z.object({ key: z.string(), after: ZSpec })),
  update: z.array(z.object({ key: z.string(), before: ZSpec, after: ZSpec })),
  delete: z.array(z.object({ key: z.string(), before: ZSpec })),
});
export type ConfigKindPlan = z.infer<typeof ZConfigKindPlan>;

/**
 * The answer of `POST /api/config/reload`: the plan of the file against the stored state
 * (specs never hold a secret's value, only its `${NAME}` reference), and whether this call
 * applied it (false on a dry run, and when another pod had already applied the same file).
 */
export const ZConfigReloadResult = z.object({
  file: z.string(),
  dryRun: z.boolean(),
  applied: z.boolean(),
  plan: z.object({
    tenants: ZConfigKindPlan,
    channels: ZConfigKindPlan,
    rules: ZConfigKindPlan,
    windows: ZConfigKindPlan,
    targets: ZConfigKindPlan,
  }),
});
export type ConfigReloadResult = z.infer<typeof ZConfigReloadResult>;

/** `POST /api/config/reload` input: `dryRun` (query `?dryRun=true` or body) plans without applying. */
export const ZConfigReloadInput = z
  .object({
    dryRun: z
      .preprocess(
        (v) => (v === 'true' ? true : v === 'false' ? false : v),
        z.boolean({ error: 'dryRun must be true or false' }),
      )
      .default(false),
  })
  .default({ dryRun: false });

/** `GET /api/config/export`: the current configuration as a rules file. */
export const ZConfigExport = z.object({ yaml: z.string() });
