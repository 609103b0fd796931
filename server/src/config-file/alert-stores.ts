import { AppError } from '../platform/errors.js';
import type { ObjectKind } from './model.js';
import type { KindStore } from './target.js';

/**
 * Rules and channels until their tables are joined in: nothing is stored yet, and a file that
 * declares any is refused with 503 naming the kind rather than silently skipped. The
 * composition root replaces these with stores over the alert tables (same `KindStore` shape).
 */
export const notWiredStore = (kind: Extract<ObjectKind, 'rules' | 'channels'>): KindStore => {
  const refuse = (n: number) => {
    if (n > 0)
      throw new AppError('UNAVAILABLE', `${kind}: not wired: this server cannot store ${kind} from the rules file yet`);
  };
  return {
    kind,
    read: async () => [],
    write: async (_sql, plan) => {
      refuse(plan.create.length + plan.update.length);
      return new Map();
    },
    remove: async (_sql, plan) => refuse(plan.delete.length),
  };
};
