// Overview: the range's totals (GET /v1/reports/days "totals") and money
// paid by day across the stores the user may see.
import { getJson } from '../api.js';
import { t } from '../i18n.js';
import { chart, kpis, sumBy, table } from '../widgets.js';

export const title = 'page.overview';

export async function render(context) {
  const range = context.rangeQuery();
  const days = await getJson('/v1/reports/days?limit=10000' + range);
  const totals = days.totals;
  const byDay = sumBy(days.rows, 'day', ['sales', 'members_buying', 'new_members', 'paid_minor', 'points_earned', 'points_redeemed']);
  return [
    kpis([
      { key: 'sales', kind: 'count', value: totals.sales },
      { key: 'members_buying', kind: 'count', value: totals.members_buying },
      { key: 'new_members', kind: 'count', value: totals.new_members },
      { key: 'basket_minor', kind: 'money', value: totals.basket_minor },
      { key: 'paid_minor', kind: 'money', value: totals.paid_minor },
      { key: 'refunded_minor', kind: 'money', value: totals.refunded_minor },
      { key: 'points_earned', kind: 'count', value: totals.points_earned },
      { key: 'points_redeemed', kind: 'count', value: totals.points_redeemed },
      { key: 'points_net', kind: 'count', value: totals.points_net },
    ]),
    chart({
      id: 'paid_by_day', title: 'chart.paid_by_day', type: 'line', money: true,
      labels: byDay.map((r) => r.day),
      series: [{ label: t('field.paid_minor'), data: byDay.map((r) => r.paid_minor) }],
    }),
    table({
      id: 'overview_days', title: 'table.days', csv: { path: '/v1/reports/days?limit=10000' + range },
      rows: byDay,
      columns: [
        { key: 'day', kind: 'day' }, { key: 'sales', kind: 'count' },
        { key: 'members_buying', kind: 'count' }, { key: 'new_members', kind: 'count' },
        { key: 'paid_minor', kind: 'money' }, { key: 'points_earned', kind: 'count' },
        { key: 'points_redeemed', kind: 'count' },
      ],
    }),
  ];
}
