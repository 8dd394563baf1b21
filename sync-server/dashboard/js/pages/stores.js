// Stores: GET /v1/reports/days summed by store over the range.
import { getJson } from '../api.js';
import { t } from '../i18n.js';
import { chart, sumBy, table } from '../widgets.js';

export const title = 'page.stores';

const FIGURES = ['sales', 'members_buying', 'first_purchases', 'new_members', 'basket_minor', 'paid_minor',
  'refunded_minor', 'points_earned', 'points_redeemed', 'points_net'];

export async function render(context) {
  const range = context.rangeQuery();
  const days = await getJson('/v1/reports/days?limit=10000' + range);
  const stores = sumBy(days.rows, 'store_id', FIGURES);
  const money = new Set(['basket_minor', 'paid_minor', 'refunded_minor']);
  return [
    chart({
      id: 'paid_by_store', title: 'chart.paid_by_store', type: 'bar', money: true,
      labels: stores.map((r) => r.store_id || '—'),
      series: [{ label: t('field.paid_minor'), data: stores.map((r) => r.paid_minor) }],
    }),
    table({
      id: 'stores', title: 'table.stores', csv: { path: '/v1/reports/days?limit=10000' + range },
      rows: stores,
      columns: [{ key: 'store_id' }, ...FIGURES.map((key) => ({ key, kind: money.has(key) ? 'money' : 'count' }))],
    }),
  ];
}
