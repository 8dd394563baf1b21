// Tiers: GET /v1/reports/tiers summed by the tier the till named.
import { getJson } from '../api.js';
import { t } from '../i18n.js';
import { chart, sumBy, table } from '../widgets.js';

export const title = 'page.tiers';

export async function render(context) {
  const range = context.rangeQuery();
  const report = await getJson('/v1/reports/tiers?limit=10000' + range);
  const tiers = sumBy(report.rows, 'tier', ['earns', 'spend_minor', 'points']);
  return [
    chart({
      id: 'points_by_tier', title: 'chart.points_by_tier', type: 'bar',
      labels: tiers.map((r) => r.tier || '—'),
      series: [{ label: t('field.points'), data: tiers.map((r) => r.points) }],
    }),
    table({
      id: 'tiers', title: 'table.tiers', csv: { path: '/v1/reports/tiers?limit=10000' + range },
      rows: tiers,
      columns: [{ key: 'tier' }, { key: 'earns', kind: 'count' }, { key: 'spend_minor', kind: 'money' },
        { key: 'points', kind: 'count' }],
    }),
  ];
}
