// Feedback and complaint cases: the cases being worked with their SLA
// timers (GET /v1/admin/cases?status=open,replied,on_hold, every page),
// the feedback tills sent over the range, newest first
// (GET /v1/admin/feedback) and its counts by store and kind with the
// average rating (GET /v1/reports/feedback). A store manager gets their
// store's only: the server confines them. Each case links to its view
// (#case?id=, pages/case.js), where it is worked.
import { getJson } from '../api.js';
import { label, t } from '../i18n.js';
import { chart, format, kpis, table } from '../widgets.js';

export const title = 'page.feedback';

const WORKED = 'open,replied,on_hold';
const KINDS = ['complaint', 'suggestion', 'praise', 'rating', 'nps', 'csat'];
const RECENT = 200;  // feedback rows shown; the CSV has the same
const MAX_CASES = 10000;

async function workedCases() {
  const cases = [];
  let token = null;
  do {
    const page = await getJson('/v1/admin/cases?status=' + WORKED + '&limit=1000' +
      (token ? '&page_token=' + encodeURIComponent(token) : ''));
    cases.push(...page.cases);
    token = page.next_page_token;
  } while (token && cases.length < MAX_CASES);
  return cases;
}

// A CaseView as one flat row (what the table shows and its CSV holds).
export function caseRow(view) {
  const record = view.case;
  return {
    case_id: record.case_id,
    status: record.status,
    store_id: record.store_id,
    member_id: record.member_id,
    topic: view.complaint.topic || '',
    complaint: view.complaint.text || '',
    assignee: record.assignee,
    opened_ms: record.opened_ms,
    first_response_left_ms: view.sla.first_response_left_ms,
    first_response_breached: view.sla.first_response_breached,
    resolution_left_ms: view.sla.resolution_left_ms,
    resolution_breached: view.sla.resolution_breached,
    paused: view.sla.paused,
    compensation_points: record.compensation_points,
  };
}

// What is left of an SLA, in hours, marked when overdue or stopped.
export function slaText(leftMs, breached, paused) {
  let text = format('hours', leftMs);
  if (breached) text += ' · ' + t('case.overdue');
  else if (paused) text += ' · ' + t('case.paused');
  return text;
}

// The report's rows with their average rating (null when none rated).
function summaryRows(rows) {
  return rows.map((r) => ({ ...r, average_rating: r.rated > 0 ? r.rating_sum / r.rated : null }));
}

export async function render(context) {
  const range = context.rangeQuery();
  const reportQuery = range ? '?' + range.slice(1) : '';
  const [cases, feedback, report] = await Promise.all([
    workedCases(),
    getJson('/v1/admin/feedback?limit=' + RECENT + range),
    getJson('/v1/reports/feedback' + reportQuery),
  ]);
  const rows = cases.map(caseRow);
  const summary = summaryRows(report.rows);
  // The average of the 1-5 ratings: an NPS answer is on its own 0-10 scale.
  const fiveStar = summary.filter((r) => r.kind !== 'nps');
  const rated = fiveStar.reduce((n, r) => n + r.rated, 0);
  const ratingSum = fiveStar.reduce((n, r) => n + r.rating_sum, 0);
  const stores = [...new Set(summary.map((r) => r.store_id))].sort();
  const kinds = KINDS.filter((kind) => summary.some((r) => r.kind === kind));
  const countOf = (store, kind) => summary.filter((r) => r.store_id === store && r.kind === kind)
    .reduce((n, r) => n + r.count, 0);
  return [
    kpis([
      { key: 'cases_open', kind: 'count', value: rows.length },
      { key: 'first_response_breached', kind: 'count', value: rows.filter((r) => r.first_response_breached).length },
      { key: 'resolution_breached', kind: 'count', value: rows.filter((r) => r.resolution_breached).length },
      { key: 'average_rating', kind: 'decimal', value: rated > 0 ? ratingSum / rated : null },
      { key: 'feedback_count', kind: 'count', value: summary.reduce((n, r) => n + r.count, 0) },
    ]),
    table({
      id: 'cases', title: 'table.cases', csv: { rows: true }, rows,
      columns: [
        { key: 'case_id', link: (r) => '#case?id=' + encodeURIComponent(r.case_id) },
        { key: 'status', text: (r) => label('status', r.status) },
        { key: 'store_id' },
        {
          key: 'first_response_left_ms', kind: 'hours',
          text: (r) => slaText(r.first_response_left_ms, r.first_response_breached, r.paused),
          className: (r) => (r.first_response_breached ? 'breached' : ''),
        },
        {
          key: 'resolution_left_ms', kind: 'hours',
          text: (r) => slaText(r.resolution_left_ms, r.resolution_breached, r.paused),
          className: (r) => (r.resolution_breached ? 'breached' : ''),
        },
        { key: 'assignee' }, { key: 'topic' }, { key: 'complaint' },
        { key: 'opened_ms', kind: 'time' }, { key: 'member_id' },
      ],
    }),
    chart({
      id: 'feedback_by_kind', title: 'chart.feedback_by_kind', type: 'bar', counts: true,
      labels: stores,
      series: kinds.map((kind) => ({ label: label('kind', kind), data: stores.map((s) => countOf(s, kind)) })),
    }),
    table({
      id: 'feedback_summary', title: 'table.feedback_summary', csv: { path: '/v1/reports/feedback' + reportQuery },
      rows: summary,
      columns: [
        { key: 'store_id' }, { key: 'kind', text: (r) => label('kind', r.kind) },
        { key: 'count', kind: 'count' }, { key: 'rated', kind: 'count' },
        { key: 'average_rating', kind: 'decimal' },
      ],
    }),
    table({
      id: 'feedback', title: 'table.feedback', csv: { path: '/v1/admin/feedback?limit=' + RECENT + range },
      rows: feedback.feedback,
      columns: [
        { key: 'feedback_id' }, { key: 'wall_ms', kind: 'time' }, { key: 'store_id' },
        { key: 'kind', text: (r) => label('kind', r.kind) },
        { key: 'rating', kind: 'count', value: (r) => r.rating || null },
        { key: 'topic' }, { key: 'text' }, { key: 'member_id' },
      ],
    }),
  ];
}
