import { useSearchParams } from 'wouter';
import { SelectField } from './SelectField';

/** The `?tenant=` filter of a page: every tenant, or one. */
export function TenantFilter({ id, value, tenants }: { id: string; value: string; tenants: readonly string[] }) {
  const [, setParams] = useSearchParams();
  return (
    <SelectField
      id={id}
      label="Tenant"
      all="All tenants"
      value={value}
      onChange={(v) => setParams(v ? { tenant: v } : {})}
      options={tenants}
    />
  );
}
