import { useId, useState } from 'react';
import { useSearchParams } from 'wouter';
import { AlertsSection } from '../alerts/AlertsSection';
import { ChannelsSection } from '../alerts/ChannelsSection';
import { DeliveryLog } from '../alerts/DeliveryLog';
import { RulesSection } from '../alerts/RulesSection';
import { type SilenceDraft, SilenceForm } from '../alerts/SilenceForm';
import { SilencesSection } from '../alerts/SilencesSection';
import { TenantFilter } from '../components/TenantFilter';
import { useTitle } from '../components/useTitle';
import { silenceDraft } from '../lib/alerts';
import { isAdminFor } from '../lib/api-types';
import { trpc } from '../trpc';
import { AdminNote } from './AdminSignIn';

/** A silence of the whole tenant for an hour: where "New silence" starts. */
const blankSilence = (tenantName: string): SilenceDraft => ({
  tenantName,
  teamName: null,
  entityType: null,
  entityId: null,
  ruleName: null,
  endsAt: new Date(Date.now() + 3_600_000).toISOString(),
  reason: '',
});

/** The page's sections (heading ids), linked at its top: a long firing list would bury the rest. */
const SECTIONS = [
  ['alerts-firing', 'Firing'],
  ['alerts-resolved', 'Resolved'],
  ['alerts-silences', 'Silences'],
  ['alerts-rules', 'Rules'],
  ['alerts-channels', 'Channels'],
  ['alerts-deliveries', 'Delivery log'],
] as const;

/**
 * `/alerts?tenant=`: firing and recent alerts with their timelines, then silences, rules,
 * channels and the delivery log. Readers see everything; an admin of a tenant acknowledges and
 * silences its alerts and manages its rules, channels and silences.
 */
export default function Alerts() {
  useTitle('Alerts');
  const id = useId();
  const [params] = useSearchParams();
  const tenantFilter = params.get('tenant') ?? '';
  const tenantName = tenantFilter || undefined;
  const facets = trpc.entities.facets.useQuery(undefined, { staleTime: 60_000 });
  const session = trpc.auth.session.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  const utils = trpc.useUtils();
  const [silencing, setSilencing] = useState<SilenceDraft | null>(null);
  const tenants = facets.data?.tenants.map((t) => t.tenantName) ?? [];
  const canEdit = (t: string) => isAdminFor(session.data, t);
  const adminTenants = tenants.filter(canEdit);
  const startSilence = (d: SilenceDraft) => {
    setSilencing(d);
    // The form sits above the lists; bring it into view for whoever clicked far below.
    requestAnimationFrame(() => document.getElementById(`${id}-silence`)?.scrollIntoView({ block: 'nearest' }));
  };
  return (
    <div className="alerts-page">
      <h1 tabIndex={-1}>Alerts</h1>
      <div className="filters">
        <TenantFilter id={`${id}-tenant`} value={tenantFilter} tenants={tenants} />
      </div>
      <nav aria-label="Sections of this page" className="section-links">
        {SECTIONS.map(([href, label]) => (
          <a key={href} href={`#${href}`}>
            {label}
          </a>
        ))}
      </nav>
      <AdminNote session={session.data} what="acknowledge, silence or change rules and channels" />
      <div id={`${id}-silence`}>
        {silencing ? (
          <SilenceForm
            key={JSON.stringify(silencing)}
            draft={silencing}
            tenants={adminTenants}
            onDone={() => {
              setSilencing(null);
              void utils.alerts.silences.invalidate();
            }}
          />
        ) : null}
      </div>
      <AlertsSection
        tenantName={tenantName}
        canEdit={canEdit}
        onSilence={(a) => startSilence(silenceDraft(a, Date.now()))}
      />
      <section aria-labelledby="alerts-silences">
        <h2 id="alerts-silences">Silences</h2>
        {adminTenants.length > 0 && !silencing ? (
          <button
            type="button"
            onClick={() =>
              startSilence(blankSilence(tenantName && canEdit(tenantName) ? tenantName : (adminTenants[0] ?? '')))
            }
          >
            New silence
          </button>
        ) : null}
        <SilencesSection tenantName={tenantName} canEdit={canEdit} />
      </section>
      <section aria-labelledby="alerts-rules">
        <h2 id="alerts-rules">Rules</h2>
        <RulesSection tenantName={tenantName} adminTenants={adminTenants} canEdit={canEdit} />
      </section>
      <section aria-labelledby="alerts-channels">
        <h2 id="alerts-channels">Channels</h2>
        <ChannelsSection tenantName={tenantName} adminTenants={adminTenants} canEdit={canEdit} />
      </section>
      <section aria-labelledby="alerts-deliveries">
        <h2 id="alerts-deliveries">Delivery log</h2>
        <DeliveryLog tenantName={tenantName} />
      </section>
    </div>
  );
}
