// Categories: GET /v1/reports/categories summed by category over the range.
import { getJson } from '../api.js';
import { t } from '../i18n.js';
import { chart, sumBy, table } from '../widgets.js';

export const title = 'page.categories';

export async function render(context) {
  const range = context.rangeQuery();
  const report = await getJson('/v1/reports/categories?limit=10000' + range);
  const categories = sumBy(report.rows, 'category', ['lines', 'qty', 'amount_minor']);
  return [
    chart({
      id: 'amount_by_category', title: 'chart.amount_by_category', type: 'doughnut', money: true,
      labels: categories.map((r) => r.category || '—'),
      series: [{ label: t('field.amount_minor'), data: categories.map((r) => r.amount_minor) }],
    }),
    table({
      id: 'categories', title: 'table.categories', csv: { path: '/v1/reports/categories?limit=10000' + range },
      rows: categories,
      columns: [{ key: 'category' }, { key: 'lines', kind: 'count' }, { key: 'qty', kind: 'count' },
        { key: 'amount_minor', kind: 'money' }],
    }),
  ];
}
