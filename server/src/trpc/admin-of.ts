import { AppError } from '../platform/errors.js';
import type { Admin } from './context.js';

/**
 * Passes when `admin` administers `tenantName` (an admin of all tenants administers every one).
 * @throws AppError FORBIDDEN naming the admin and the tenant.
 */
export function assertAdminOf(admin: Admin, tenantName: string): void {
  if (admin.tenants === null || admin.tenants.has(tenantName)) return;
  throw new AppError(
    'FORBIDDEN',
    `Token "${admin.label}" is not an admin of tenant ${JSON.stringify(tenantName)}; use an admin token for that tenant`,
  );
}
