/** Small pieces the console's pages share. Colour never carries meaning alone: every badge
 * says its word too. */
import type { MatchCode } from '../matching/codes';
import type { AuditSource, BeaconUserStatus, StatusReason } from '../vocabulary';
import { formatTime, MATCH_LABELS, REASON_LABELS, SOURCE_LABELS, STATUS_LABELS } from './words';

export const Time = (props: { at: string | null }) => (props.at ? <time datetime={props.at}>{formatTime(props.at)}</time> : <span>—</span>);

export const StatusBadge = (props: { status: BeaconUserStatus }) => <span class={`badge status-${props.status}`}>{STATUS_LABELS[props.status]}</span>;

export const Reason = (props: { reason: StatusReason | null }) => <span class="reason">{props.reason ? REASON_LABELS[props.reason] : 'Nothing found'}</span>;

export const MatchBadge = (props: { code: MatchCode }) => <span class={`badge code-${props.code}`}>{MATCH_LABELS[props.code]}</span>;

/** Who did something: the analyst's email when it is one of the member's accounts, with
 * their `dashboard_user_id`. */
export function Actor(props: { source: AuditSource; dashboardUserId: string | null; analysts: Map<string, string> }) {
  const { dashboardUserId } = props;
  if (!dashboardUserId) return <span>{SOURCE_LABELS[props.source]}</span>;
  const email = props.analysts.get(dashboardUserId);
  return (
    <span>
      {email ?? SOURCE_LABELS[props.source]} <code class="id">{dashboardUserId}</code>
    </span>
  );
}

/** A button that the rules or the role do not allow: shown, disabled, with why. */
export function Refused(props: { label: string; why: string; id: string }) {
  return (
    <span class="refused">
      <button type="button" disabled aria-describedby={props.id}>
        {props.label}
      </button>
      <span id={props.id} class="why">
        {props.why}
      </span>
    </span>
  );
}
