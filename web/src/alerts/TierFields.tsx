import { Field } from '../components/Field';
import { SEVERITIES, SEVERITY_LABEL } from '../lib/alerts';
import { DEFAULT_TIER_FORMS, type TierForm } from '../lib/rule-form';

/** The severities as `<option>`s, most urgent first. */
export function SeverityOptions() {
  return SEVERITIES.map((s) => (
    <option key={s} value={s}>
      {SEVERITY_LABEL[s]}
    </option>
  ));
}

type Props = {
  id: string;
  tiers: TierForm[];
  errors: Partial<Record<string, string>>;
  onChange(tiers: TierForm[]): void;
};

const NUMERIC = [
  ['longWindowMinutes', 'Long window (min)'],
  ['shortWindowMinutes', 'Short window (min)'],
  ['factor', 'Burn rate over (×)'],
] as const;

/** The burn-rate tiers of a rule: one group per tier, each field with the server's message under it. */
export function TierFields({ id, tiers, errors, onChange }: Props) {
  const set = (i: number, patch: Partial<TierForm>) =>
    onChange(tiers.map((t, j) => (j === i ? { ...t, ...patch } : t)));
  return (
    <div className="tiers">
      {tiers.map((t, i) => {
        const path = (f: string) => `burnRate.tiers.${i}.${f}`;
        const fid = (f: string) => `${id}-tier${i}-${f}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: tiers have no id; their position is what the server names
          <fieldset key={i} className="tier">
            <legend>Tier {i + 1}</legend>
            <div className="form-grid">
              <Field id={fid('name')} label="Tier name" error={errors[path('name')]}>
                {(a) => <input {...a} value={t.name} onChange={(e) => set(i, { name: e.target.value })} />}
              </Field>
              {NUMERIC.map(([k, label]) => (
                <Field key={k} id={fid(k)} label={label} error={errors[path(k)]}>
                  {(a) => (
                    <input {...a} inputMode="decimal" value={t[k]} onChange={(e) => set(i, { [k]: e.target.value })} />
                  )}
                </Field>
              ))}
              <Field id={fid('severity')} label="Severity" error={errors[path('severity')]}>
                {(a) => (
                  <select
                    {...a}
                    value={t.severity}
                    onChange={(e) => set(i, { severity: e.target.value as TierForm['severity'] })}
                  >
                    <SeverityOptions />
                  </select>
                )}
              </Field>
              <div className="field field-check">
                <input
                  id={fid('enabled')}
                  type="checkbox"
                  checked={t.enabled}
                  onChange={(e) => set(i, { enabled: e.target.checked })}
                />
                <label htmlFor={fid('enabled')}>Enabled</label>
              </div>
            </div>
            {tiers.length > 1 ? (
              <button type="button" onClick={() => onChange(tiers.filter((_, j) => j !== i))}>
                Remove tier {i + 1}
              </button>
            ) : null}
          </fieldset>
        );
      })}
      <button
        type="button"
        onClick={() =>
          onChange([...tiers, { ...(DEFAULT_TIER_FORMS.at(-1) as TierForm), name: `tier-${tiers.length + 1}` }])
        }
      >
        Add tier
      </button>
    </div>
  );
}
