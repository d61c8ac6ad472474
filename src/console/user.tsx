/** One Beacon User (docs/product.md §8): identity, status and why, the review decision under the
 * review rules (src/domain/beacon-users/review.ts: a status the rules refuse is shown
 * disabled, with the rule), duplicates side by side, syndications (the report's facts and the
 * analysis, never the reporting member's data), reports, notes and the history — and the
 * actions on them, each through the same domain services and ProgramGateway as the
 * dashboard plane, recorded with the analyst's dashboard_user_id. */
import type { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { Actor as AuditActor } from '../domain/actor';
import { may, roleRefusal, type ConsoleAction } from '../domain/analysts/roles';
import { readCaseFile, type CaseFile } from '../domain/beacon-users/case-file';
import { identityView, type Identity } from '../domain/beacon-users/identity';
import { addNote, NOTE_MAX } from '../domain/beacon-users/notes';
import { parseRequest } from '../http/validation';
import type { MatchCode } from '../matching/codes';
import { MATCH_FIELDS, type MatchField } from '../matching/fields';
import { NoteForm, ReportForm, ReviewForm } from '../schemas/console';
import { REPORT_TYPES } from '../vocabulary';
import { today } from '../lib/time';
import { sentence } from './words';
import { Actor, MatchBadge, Reason, Refused, StatusBadge, Time } from './components';
import { act, allowedTo, redirectWith, signedIn, type ConsoleContext, type ConsoleEnv } from './context';
import { Csrf } from './layout';
import { render } from './render';
import { Waterfall } from './waterfall';
import { FIELD_LABELS, REPORT_TYPE_LABELS, REVIEW_VERBS, STATUS_LABELS } from './words';

const USER_ID = /^becusr_[0-9A-Za-z]{14}$/;
const userHref = (id: string) => `/console/users/${id}`;

/** A field of an identity as the page shows it (account numbers masked, as the API does). */
function fieldText(identity: Identity, field: MatchField): string {
  const view = identityView(identity);
  switch (field) {
    case 'name':
      return `${view.name.given_name} ${view.name.family_name}`;
    case 'address': {
      const a = view.address;
      return a ? [a.street, a.street2, a.city, [a.region, a.postal_code].filter(Boolean).join(' '), a.country].filter(Boolean).join(', ') : '';
    }
    case 'id_number':
      return view.id_number ? `${view.id_number.value} (${view.id_number.type})` : '';
    case 'depository_accounts':
      return view.depository_accounts.map((a) => `•••• ${a.account_mask} (routing ${a.routing_number})`).join('; ');
    default:
      return view[field] ?? '';
  }
}

const Value = (props: { text: string }) => (props.text ? <span>{props.text}</span> : <span class="none">not given</span>);

function IdentityTable(props: { identity: Identity; caption: string }) {
  return (
    <table class="fields">
      <caption>{props.caption}</caption>
      <tbody>
        {MATCH_FIELDS.map((field) => (
          <tr>
            <th scope="row">{FIELD_LABELS[field]}</th>
            <td>
              <Value text={fieldText(props.identity, field)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The action's form, or — when the role may not act — the button disabled with why. */
function Action(props: { c: ConsoleContext; action: ConsoleAction; href: string; label: string; id: string; children?: Child; danger?: boolean }) {
  const { account, csrfToken } = signedIn(props.c);
  const refusal = roleRefusal(account.role, props.action);
  if (refusal) return <Refused label={props.label} why={refusal} id={props.id} />;
  return (
    <form method="post" action={props.href} class="action">
      <Csrf token={csrfToken} />
      {props.children}
      <button type="submit" class={props.danger ? 'danger' : undefined}>
        {props.label}
      </button>
    </form>
  );
}

function Decision(props: { c: ConsoleContext; file: CaseFile }) {
  const { user, reviewOptions } = props.file;
  return (
    <section aria-labelledby="decision">
      <h2 id="decision">Decision</h2>
      <div class="actions">
        {reviewOptions.map(({ status, refusal }) => {
          const id = `why-${status}`;
          if (status === user.status) return <Refused label={REVIEW_VERBS[status]} why={`The user is ${STATUS_LABELS[status].toLowerCase()} already.`} id={id} />;
          // A role that may not review is told so first; then the rules say what they need.
          if (refusal && may(signedIn(props.c).account.role, 'review_user')) return <Refused label={REVIEW_VERBS[status]} why={sentence(refusal.rule)} id={id} />;
          return (
            <Action c={props.c} action="review_user" href={`${userHref(user.id)}/review`} label={REVIEW_VERBS[status]} id={id}>
              <input type="hidden" name="status" value={status} />
            </Action>
          );
        })}
      </div>
    </section>
  );
}

function Duplicates(props: { file: CaseFile }) {
  const { duplicates } = props.file;
  return (
    <section aria-labelledby="duplicates">
      <h2 id="duplicates">Duplicates ({duplicates.length})</h2>
      {duplicates.length === 0 && <p class="empty">No duplicate of this user in its program.</p>}
      {duplicates.map((d) => (
        <div class="compared">
          <table class="compare">
            <caption>
              Compared with <a href={userHref(d.other.id)}>{d.other.clientUserId}</a> (<StatusBadge status={d.other.status} />) · found <Time at={d.createdAt} />
            </caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">This user (version {d.self.version})</th>
                <th scope="col">
                  {d.other.clientUserId} (version {d.other.version})
                </th>
                <th scope="col">Match</th>
              </tr>
            </thead>
            <tbody>
              {MATCH_FIELDS.map((field) => {
                const code: MatchCode = field === 'depository_accounts' ? d.accounts : d.analysis[field];
                return (
                  <tr class={`row-${code}`}>
                    <th scope="row">{FIELD_LABELS[field]}</th>
                    <td>
                      <Value text={fieldText(d.self.identity, field)} />
                    </td>
                    <td>
                      <Value text={fieldText(d.other.identity, field)} />
                    </td>
                    <td>
                      <MatchBadge code={code} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {d.weight && <Waterfall weight={d.weight} />}
        </div>
      ))}
    </section>
  );
}

function Syndications(props: { c: ConsoleContext; file: CaseFile; identity: Identity }) {
  const { syndications, analysts } = props.file;
  return (
    <section aria-labelledby="syndications">
      <h2 id="syndications">Fraud reports that match this user ({syndications.length})</h2>
      <p class="help">What matched, compared with this user's data, and the report's facts. The reporting member's data is never shown.</p>
      {syndications.length === 0 && <p class="empty">No report matches this user.</p>}
      {syndications.map((s) => (
        <article class="card">
          <h3>
            {REPORT_TYPE_LABELS[s.report.type]} · {s.report.id ? 'one of our reports' : 'reported by another member'}
          </h3>
          <dl class="facts">
            <dt>Fraud date</dt>
            <dd>{s.report.fraud_date ?? 'unknown'}</dd>
            <dt>Reported on</dt>
            <dd>{s.report.event_date}</dd>
            <dt>Matched this user</dt>
            <dd>
              <Time at={s.created_at} />
            </dd>
            <dt>Confirmed</dt>
            <dd>
              {s.confirmed_at ? (
                <>
                  <Time at={s.confirmed_at} /> by <Actor source="dashboard" dashboardUserId={s.confirmed_by} analysts={analysts} />
                </>
              ) : (
                'not yet'
              )}
            </dd>
          </dl>
          <div class="compared">
            <table class="compare">
              <caption>What matched ({s.id})</caption>
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">This user's data</th>
                  <th scope="col">Match</th>
                </tr>
              </thead>
              <tbody>
                {MATCH_FIELDS.filter((f) => f !== 'depository_accounts').map((field) => {
                  const code = s.analysis[field as Exclude<MatchField, 'depository_accounts'>] as MatchCode;
                  return (
                    <tr class={`row-${code}`}>
                      <th scope="row">{FIELD_LABELS[field]}</th>
                      <td>
                        <Value text={fieldText(props.identity, field)} />
                      </td>
                      <td>
                        <MatchBadge code={code} />
                      </td>
                    </tr>
                  );
                })}
                {s.analysis.depository_accounts.map((a) => (
                  <tr class={`row-${a.match_status}`}>
                    <th scope="row">Bank account</th>
                    <td>
                      •••• {a.account_mask} (routing {a.routing_number})
                    </td>
                    <td>
                      <MatchBadge code={a.match_status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {s.weight && <Waterfall weight={s.weight} />}
          </div>
          {!s.confirmed_at && (
            <Action
              c={props.c}
              action="confirm_syndication"
              href={`/console/syndications/${s.id}/confirm`}
              label="Confirm: this report applies to this user"
              id={`why-confirm-${s.id}`}
            />
          )}
        </article>
      ))}
    </section>
  );
}

function ReportFields(props: { report?: CaseFile['activeReport'] }) {
  const { report } = props;
  return (
    <>
      <label>
        Fraud type
        <select name="type" required>
          {REPORT_TYPES.map((type) => (
            <option value={type} selected={report?.type === type}>
              {REPORT_TYPE_LABELS[type]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Fraud date
        <input type="date" name="fraud_date" required max={today()} value={report?.fraud_date ?? ''} />
      </label>
      <label>
        Amount lost, USD (optional)
        <input type="number" name="fraud_amount" min="0" step="0.01" inputmode="decimal" value={report?.fraud_amount ? String(report.fraud_amount.value) : ''} />
      </label>
    </>
  );
}

function Reports(props: { c: ConsoleContext; file: CaseFile }) {
  const { activeReport, reports, analysts, user } = props.file;
  const earlier = reports.filter((r) => r.deleted_at !== null);
  return (
    <section aria-labelledby="reports">
      <h2 id="reports">Our report</h2>
      {activeReport ? (
        <>
          <p>
            {REPORT_TYPE_LABELS[activeReport.type]} on {activeReport.fraud_date}
            {activeReport.fraud_amount ? `, $${activeReport.fraud_amount.value.toFixed(2)}` : ''} · filed <Time at={activeReport.created_at} /> by{' '}
            <Actor source={activeReport.filed_by.source} dashboardUserId={activeReport.filed_by.dashboard_user_id} analysts={analysts} /> ·{' '}
            <code class="id">{activeReport.id}</code>
          </p>
          <div class="forms">
            <Action c={props.c} action="edit_report" href={`/console/reports/${activeReport.id}/update`} label="Save the report" id="why-edit-report">
              <input type="hidden" name="back" value={user.id} />
              <ReportFields report={activeReport} />
            </Action>
            <Action c={props.c} action="delete_report" href={`/console/reports/${activeReport.id}/delete`} label="Delete the report" id="why-delete-report" danger>
              <input type="hidden" name="back" value={user.id} />
            </Action>
          </div>
        </>
      ) : (
        <>
          <p>No active report. Filing one rejects the user and shares the report with the network (never this user's data).</p>
          <Action c={props.c} action="file_report" href={`${userHref(user.id)}/reports`} label="File a report" id="why-file-report">
            <ReportFields />
          </Action>
        </>
      )}
      {earlier.length > 0 && (
        <ul class="plain">
          {earlier.map((r) => (
            <li>
              Deleted report: {REPORT_TYPE_LABELS[r.type]} on {r.fraud_date}, deleted <Time at={r.deleted_at} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Notes(props: { c: ConsoleContext; file: CaseFile }) {
  const { notes, analysts, user } = props.file;
  return (
    <section aria-labelledby="notes">
      <h2 id="notes">Notes ({notes.length})</h2>
      <Action c={props.c} action="add_note" href={`${userHref(user.id)}/notes`} label="Add the note" id="why-note">
        <label>
          New note
          <textarea name="body" rows={3} maxlength={NOTE_MAX} required></textarea>
        </label>
      </Action>
      <ol class="notes">
        {notes.map((note) => (
          <li>
            <p class="meta">
              <Actor source="dashboard" dashboardUserId={note.dashboardUserId} analysts={analysts} /> · <Time at={note.createdAt} />
            </p>
            <p class="note">{note.body}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Everything that happened to the user, newest first, with who did it. */
function History(props: { file: CaseFile }) {
  const { versions, reports, syndications, duplicates, notes, analysts } = props.file;
  const events: { at: string; what: Child; who: Child }[] = [];
  const by = (actor: AuditActor) => <Actor source={actor.source} dashboardUserId={actor.dashboardUserId} analysts={analysts} />;
  versions.forEach((v, i) => {
    const previous = versions[i + 1];
    const change = v.version === 1 ? 'Created' : previous && previous.status !== v.status ? 'Status changed' : 'Data updated';
    events.push({
      at: v.audit_trail.timestamp,
      what: (
        <>
          Version {v.version}: {change} <StatusBadge status={v.status} /> {v.status !== 'cleared' || v.status_reason ? <Reason reason={v.status_reason} /> : null}
        </>
      ),
      who: by({ source: v.audit_trail.source, dashboardUserId: v.audit_trail.dashboard_user_id }),
    });
  });
  for (const r of reports) {
    events.push({ at: r.created_at, what: <>Report filed</>, who: by({ source: r.filed_by.source, dashboardUserId: r.filed_by.dashboard_user_id }) });
    const last = by({ source: r.audit_trail.source, dashboardUserId: r.audit_trail.dashboard_user_id });
    if (r.deleted_at) events.push({ at: r.deleted_at, what: <>Report deleted</>, who: last });
    else if (r.audit_trail.timestamp > r.created_at) events.push({ at: r.audit_trail.timestamp, what: <>Report edited</>, who: last });
  }
  for (const s of syndications) {
    events.push({ at: s.created_at, what: <>A fraud report matched ({REPORT_TYPE_LABELS[s.report.type]})</>, who: <span>System</span> });
    if (s.confirmed_at) events.push({ at: s.confirmed_at, what: <>Report match confirmed</>, who: by({ source: 'dashboard', dashboardUserId: s.confirmed_by }) });
  }
  for (const d of duplicates) events.push({ at: d.createdAt, what: <>Duplicate found: {d.other.clientUserId}</>, who: <span>System</span> });
  for (const n of notes) events.push({ at: n.createdAt, what: <>Note added</>, who: by({ source: 'dashboard', dashboardUserId: n.dashboardUserId }) });
  events.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return (
    <section aria-labelledby="history">
      <h2 id="history">History</h2>
      <table class="history">
        <caption>Newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">Who</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr>
              <td>
                <Time at={e.at} />
              </td>
              <td>{e.what}</td>
              <td>{e.who}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

async function userPage(c: ConsoleContext, beaconUserId: string) {
  const { account } = signedIn(c);
  const file = await readCaseFile(c.get('storage'), c.get('secrets'), account.clientId, beaconUserId);
  const { user, program } = file;
  return render(
    c,
    { title: `User ${user.client_user_id}`, section: 'user' },
    <>
      <dl class="facts summary-facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={user.status} /> <Reason reason={user.status_reason} /> · since <Time at={user.status_since} />
        </dd>
        <dt>Program</dt>
        <dd>
          <a href={`/console/programs/${program.id}`}>{program.name}</a>
        </dd>
        <dt>
          <code>beacon_user_id</code>
        </dt>
        <dd>
          <code>{user.id}</code> · version {user.version} · created <Time at={user.created_at} />
        </dd>
      </dl>
      <Decision c={c} file={file} />
      <div class="columns">
        <section aria-labelledby="identity">
          <h2 id="identity">Identity</h2>
          <IdentityTable identity={file.identity} caption={`Current data (version ${user.version})`} />
        </section>
        <Notes c={c} file={file} />
      </div>
      <Duplicates file={file} />
      <Syndications c={c} file={file} identity={file.identity} />
      <Reports c={c} file={file} />
      <History file={file} />
    </>,
  );
}

/** The user page an action on a report or syndication returns to (an id from the form: only
 * ever a path under /console/users). */
async function backTo(c: ConsoleContext): Promise<string> {
  const back = (await c.req.parseBody()).back;
  return typeof back === 'string' && USER_ID.test(back) ? userHref(back) : '/console/queue';
}

const form = async (c: ConsoleContext) => (await c.req.parseBody()) as Record<string, string>;

const actorOf = (c: ConsoleContext): AuditActor => ({ source: 'dashboard', dashboardUserId: signedIn(c).account.id });

export function registerUserRoutes(pages: Hono<ConsoleEnv>): void {
  pages.get('/users/:id', (c) => userPage(c, c.req.param('id')));

  pages.post('/users/:id/review', async (c) => {
    const { account } = allowedTo(c, 'review_user');
    const id = c.req.param('id');
    return act(c, userHref(id), async () => {
      const { status } = parseRequest(ReviewForm, await form(c));
      const user = await c.get('programs').reviewBeaconUser(account.clientId, { beaconUserId: id, status }, actorOf(c));
      return `The user is ${STATUS_LABELS[user.status].toLowerCase()} (version ${user.version}).`;
    });
  });

  pages.post('/users/:id/reports', async (c) => {
    const { account } = allowedTo(c, 'file_report');
    const id = c.req.param('id');
    return act(c, userHref(id), async () => {
      const input = parseRequest(ReportForm, await form(c));
      await c
        .get('programs')
        .createReport(account.clientId, { beaconUserId: id, type: input.type, fraudDate: input.fraud_date, fraudAmount: input.fraud_amount, actor: actorOf(c) });
      return 'The report is filed: the user is rejected, and the network is told.';
    });
  });

  pages.post('/reports/:id/update', async (c) => {
    const { account } = allowedTo(c, 'edit_report');
    return act(c, await backTo(c), async () => {
      const input = parseRequest(ReportForm, await form(c));
      await c
        .get('programs')
        .updateReport(account.clientId, { reportId: c.req.param('id'), type: input.type, fraudDate: input.fraud_date, fraudAmount: input.fraud_amount, actor: actorOf(c) });
      return 'The report is saved.';
    });
  });

  pages.post('/reports/:id/delete', async (c) => {
    const { account } = allowedTo(c, 'delete_report');
    return act(c, await backTo(c), async () => {
      await c.get('programs').deleteReport(account.clientId, { reportId: c.req.param('id'), actor: actorOf(c) });
      return 'The report is deleted: it no longer matches anyone. The user keeps its status until reviewed.';
    });
  });

  pages.post('/syndications/:id/confirm', async (c) => {
    const { account } = allowedTo(c, 'confirm_syndication');
    const syndication = await c.get('programs').confirmSyndication(account.clientId, { syndicationId: c.req.param('id'), actor: actorOf(c) });
    return redirectWith(c, userHref(syndication.beacon_user_id), { kind: 'notice', text: 'The match is confirmed: the user can now be rejected.' });
  });

  pages.post('/users/:id/notes', async (c) => {
    const { account } = allowedTo(c, 'add_note');
    const id = c.req.param('id');
    return act(c, userHref(id), async () => {
      const { body } = parseRequest(NoteForm, await form(c));
      await addNote(c.get('storage'), c.get('secrets'), { clientId: account.clientId, beaconUserId: id, dashboardUserId: account.id, body });
      return 'The note is added.';
    });
  });
}
