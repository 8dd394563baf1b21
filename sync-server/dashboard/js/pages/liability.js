// Points liability and expiry (GET /v1/reports/liability: what is
// outstanding and what expires by month) and cohort retention
// (GET /v1/reports/cohorts: of the members whose first purchase fell in a
// month, how many bought again in each month after).
import { ApiError, getJson } from '../api.js';
import { t } from '../i18n.js';
import { chart, kpis, note, table } from '../widgets.js';

export const title = 'page.liability';

async function optional(path) {
  try {
    return await getJson(path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export async function render() {
  const [liability, cohorts] = await Promise.all([
    optional('/v1/reports/liability'), optional('/v1/reports/cohorts')]);
  const parts = [];
  if (liability) {
    parts.push(
      kpis([
        { key: 'outstanding_points', kind: 'count', value: liability.outstanding_points },
        { key: 'outstanding_value_minor', kind: 'money', value: liability.outstanding_value_minor },
        { key: 'members_with_points', kind: 'count', value: liability.members_with_points },
      ]),
      chart({
        id: 'expiring', title: 'chart.expiring', type: 'bar',
        labels: liability.rows.map((r) => r.month || t('liability.never')),
        series: [{ label: t('field.points'), data: liability.rows.map((r) => r.points) }],
      }),
      table({
        id: 'expiring', title: 'table.expiring', csv: { rows: true }, rows: liability.rows,
        columns: [{ key: 'month', value: (r) => r.month || t('liability.never') }, { key: 'points', kind: 'count' }],
      }));
  } else {
    parts.push(note('app.not_available'));
  }
  if (cohorts) {
    const width = Math.max(0, ...cohorts.rows.map((r) => r.active.length));
    const rows = cohorts.rows.map((r) => {
      const row = { cohort: r.cohort, size: r.size };
      r.active.forEach((n, i) => { row['m' + i] = n; });
      return row;
    });
    const columns = [{ key: 'cohort' }, { key: 'size', kind: 'count' }];
    for (let i = 0; i < width; i += 1) {
      columns.push({ key: 'm' + i, kind: 'count' });
    }
    const card = table({ id: 'cohorts', title: 'table.cohorts', csv: { rows: true }, rows, columns });
    // Month columns are numbered, not translated one by one.
    card.querySelectorAll('th').forEach((th, i) => {
      if (i >= 2) th.textContent = t('field.month_n').replace('{n}', String(i - 2));
    });
    parts.push(card);
  } else {
    parts.push(note('app.not_available'));
  }
  return parts;
}
