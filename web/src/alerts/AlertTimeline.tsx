import type { AlertViewAnswer } from '@sla/shared';
import { useNow } from '../components/RelativeTime';
import { alertTimeline } from '../lib/alert-timeline';

const STATE_WORD = { quiet: 'not firing', firing: 'firing', resolved: 'resolved' } as const;

/**
 * The alert's last 24 hours as a row of segments (not firing, firing, resolved) with the
 * acknowledgement marked; the words are its text alternative, so colour is never alone.
 */
export function AlertTimeline({ alert }: { alert: AlertViewAnswer }) {
  const now = useNow();
  const t = alertTimeline(alert, Math.max(now, Date.now()));
  return (
    <div className="alert-timeline" role="img" aria-label={`Last 24 hours: ${t.label}`} title={t.label}>
      {t.segments.map((s) => (
        <span
          key={s.state}
          className={`tl-seg tl-${s.state}`}
          data-state={s.state}
          // A segment reaching now is anchored at the right edge, so its minimum width (a firing
          // alert of a few seconds is still visible) grows leftwards rather than out of the box.
          style={
            s.left + s.width >= 99.99
              ? { right: 0, width: `${s.width}%` }
              : { left: `${s.left}%`, width: `${s.width}%` }
          }
          title={STATE_WORD[s.state]}
        />
      ))}
      {t.acknowledgedAt === null ? null : <span className="tl-ack" style={{ left: `${t.acknowledgedAt}%` }} />}
    </div>
  );
}
