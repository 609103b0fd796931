/** The kinds of object a rules file declares, in the order a plan lists and applies them. */
export const OBJECT_KINDS = ['tenants', 'channels', 'rules', 'windows', 'targets'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/** An object as the file states it: comparable, and never holding a secret's value (`${NAME}` instead). */
export type Spec = Record<string, unknown>;

/**
 * One object the file declares. `key` is its identity across reloads (tenant/name for rules and
 * channels, the tenant for settings, the file's `key` for windows, the selector for targets);
 * `spec` is what plans compare and exports write; `value` is the validated input the write
 * takes, with `${NAME}` references resolved.
 */
export type DesiredObject = { key: string; spec: Spec; value: unknown };

/**
 * One stored object. `managed`: the file created or adopted it, so removing it from the file
 * deletes it; objects created through the API are not managed and stay. `id` is the stored
 * row's id (windows) or null where the key is the id.
 */
export type CurrentObject = { key: string; spec: Spec; managed: boolean; id: string | null };

export type DesiredState = Record<ObjectKind, DesiredObject[]>;
export type CurrentState = Record<ObjectKind, CurrentObject[]>;

/** What applying the file changes for one kind, each list ordered by key. */
export type KindPlan = {
  create: DesiredObject[];
  update: { desired: DesiredObject; current: CurrentObject }[];
  delete: CurrentObject[];
};
export type ConfigPlan = Record<ObjectKind, KindPlan>;

/** An empty state of every kind. */
export const emptyState = <T>(): Record<ObjectKind, T[]> => ({
  tenants: [],
  channels: [],
  rules: [],
  windows: [],
  targets: [],
});
