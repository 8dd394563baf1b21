// Members and segments: the latest metrics run (GET /v1/reports/segments:
// segment sizes, members by RFM segment and lifecycle) and the members
// page by page (GET /v1/reports/members), each linking to its persona.
import { ApiError, getJson } from '../api.js';
import { label, t } from '../i18n.js';
import { chart, element, note, sumBy, table } from '../widgets.js';

export const title = 'page.members';

const PAGE = 200;

async function latestRun() {
  try {
    return await getJson('/v1/reports/segments');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;  // no run yet
    throw error;
  }
}

export async function render(context) {
  const after = context.params.get('after') || '';
  const [run, members] = await Promise.all([
    latestRun(),
    getJson('/v1/reports/members?limit=' + PAGE + (after ? '&after=' + encodeURIComponent(after) : '')),
  ]);
  const parts = [];
  if (run) {
    // Which run is shown: a newer one may come at any time.
    parts.push(element('p', { className: 'note', 'data-run-version': run.version,
      text: t('field.as_of_day') + ' ' + run.as_of_day }));
    const rfm = sumBy(run.rfm, 'rfm_segment', ['members', 'monetary_minor']);
    parts.push(
      chart({
        id: 'rfm', title: 'chart.rfm', type: 'bar',
        labels: rfm.map((r) => label('rfm', r.rfm_segment)),
        series: [{ label: t('field.members'), data: rfm.map((r) => r.members) }],
      }),
      table({
        id: 'segments', title: 'table.segments', csv: { rows: true }, rows: run.sizes,
        columns: [{ key: 'segment_id' }, { key: 'members', kind: 'count' },
          { key: 'entered', kind: 'count' }, { key: 'left', kind: 'count' }],
      }),
      table({
        id: 'rfm_cells', title: 'table.rfm', csv: { rows: true }, rows: run.rfm,
        columns: [{ key: 'rfm_segment', value: (r) => label('rfm', r.rfm_segment) },
          { key: 'lifecycle', value: (r) => label('lifecycle', r.lifecycle) }, { key: 'members', kind: 'count' },
          { key: 'monetary_minor', kind: 'money' }],
      }));
  } else {
    parts.push(note('persona.none'));
  }
  parts.push(table({
    id: 'members', title: 'table.members', csv: { path: '/v1/reports/members?limit=10000' },
    rows: members.members,
    columns: [
      { key: 'member_id', link: (row) => '#member?id=' + encodeURIComponent(row.member_id) },
      { key: 'first_day', kind: 'day' }, { key: 'first_store' }, { key: 'last_day', kind: 'day' },
      { key: 'purchase_days', kind: 'count' }, { key: 'sales', kind: 'count' },
      { key: 'paid_minor', kind: 'money' }, { key: 'refunded_minor', kind: 'money' },
    ],
  }));
  if (members.next_after) {
    const more = document.createElement('a');
    more.href = '#members?after=' + encodeURIComponent(members.next_after);
    more.textContent = '→';
    more.dataset.next = 'members';
    parts.push(more);
  }
  return parts;
}
