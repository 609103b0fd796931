import { formatPercent } from '../lib/format';
import { complianceRange } from '../lib/sparkline';
import { trpc } from '../trpc';
import { Sparkline } from './Sparkline';

export const TREND_DAYS = 30;

/** A tenant's daily compliance over the last 30 days, with its range labelled on the side. */
export function ComplianceTrend({ tenantName }: { tenantName: string }) {
  const series = trpc.budgets.series.useQuery({ tenantName, days: TREND_DAYS });
  if (series.error) return <p className="muted">Compliance trend unavailable: {series.error.message}</p>;
  if (!series.data) return <p className="muted trend-loading">Loading the compliance trend…</p>;
  const values = series.data.days.map((d) => d.compliance);
  const { min } = complianceRange(values);
  const first = series.data.days[0]?.date;
  const last = series.data.days.at(-1)?.date;
  return (
    <figure className="trend" data-testid="compliance-trend">
      <figcaption>
        Daily compliance, last {TREND_DAYS} days{' '}
        <span className="muted">
          ({first} to {last}, {series.data.timeZone})
        </span>
      </figcaption>
      <div className="trend-body">
        <div className="trend-axis muted" aria-hidden="true">
          <span>100%</span>
          <span>{formatPercent(min)}</span>
        </div>
        <Sparkline values={values} days={TREND_DAYS} width={300} height={56} className="sparkline trend-line" />
      </div>
    </figure>
  );
}
