// A member's persona: GET /v1/reports/members?member_id= (head office's
// row: profile, balance, tier and the way to the next; purchases in sum, by
// day and by category; the last metrics run's RFM, lifecycle, favourites,
// segments, predicted value and next-best offers; vouchers; the campaigns
// that gave to the member or held them out).
import { getJson } from '../api.js';
import { label, t } from '../i18n.js';
import { chart, element, kpis, note, sumBy, table } from '../widgets.js';

export const title = 'page.member';

export async function render(context) {
  const id = context.params.get('id') || '';
  const member = await getJson('/v1/reports/members?member_id=' + encodeURIComponent(id));
  const row = member.member;
  const summary = member.summary;
  const metrics = member.metrics;
  const parts = [element('p', { className: 'note', text: id, 'data-member': id }),
    element('h2', { text: t('persona.profile') })];
  if (row) {
    const progress = member.tier_progress;
    parts.push(kpis([
      { key: 'member_name', kind: 'text', value: row.name.value || '—' },
      { key: 'tier', kind: 'text', value: row.tier },
      { key: 'balance', kind: 'count', value: row.balance },
      { key: 'spend_minor', kind: 'money', value: row.spend_minor },
      { key: 'next_tier', kind: 'text', value: progress ? progress.next_tier : '' },
      { key: 'spend_to_next_minor', kind: 'money', value: progress ? progress.spend_to_next_minor : 0 },
      { key: 'enrolled_store', kind: 'text', value: row.enrolled_store },
    ]));
  }
  if (summary) {
    parts.push(kpis([
      { key: 'first_day', kind: 'day', value: summary.first_day },
      { key: 'first_store', kind: 'text', value: summary.first_store },
      { key: 'last_day', kind: 'day', value: summary.last_day },
      { key: 'purchase_days', kind: 'count', value: summary.purchase_days },
      { key: 'sales', kind: 'count', value: summary.sales },
      { key: 'paid_minor', kind: 'money', value: summary.paid_minor },
      { key: 'refunded_minor', kind: 'money', value: summary.refunded_minor },
    ]));
  }
  parts.push(element('h2', { text: t('persona.metrics') }));
  if (metrics) {
    parts.push(kpis([
      { key: 'rfm_segment', kind: 'text', value: label('rfm', metrics.rfm_segment) },
      { key: 'lifecycle', kind: 'text', value: label('lifecycle', metrics.lifecycle) },
      { key: 'recency_days', kind: 'count', value: metrics.recency_days },
      { key: 'frequency', kind: 'count', value: metrics.frequency },
      { key: 'monetary_minor', kind: 'money', value: metrics.monetary_minor },
      { key: 'r_score', kind: 'count', value: metrics.r_score },
      { key: 'f_score', kind: 'count', value: metrics.f_score },
      { key: 'm_score', kind: 'count', value: metrics.m_score },
      { key: 'ipi_days', kind: 'count', value: metrics.ipi_days },
      { key: 'favourite_categories', kind: 'text', value: metrics.favourite_categories.join(', ') },
      { key: 'segments', kind: 'text', value: metrics.segments.join(', ') },
      // Both null while too few members have bought twice to fit the model.
      metrics.p_alive_bp === null
        ? { key: 'p_alive_bp', kind: 'text', value: '—' }
        : { key: 'p_alive_bp', kind: 'rate', value: metrics.p_alive_bp / 10000 },
      metrics.predicted_spend_minor === null
        ? { key: 'predicted_spend_minor', kind: 'text', value: '—' }
        : { key: 'predicted_spend_minor', kind: 'money', value: metrics.predicted_spend_minor },
    ]));
    parts.push(table({
      id: 'member_offers', title: 'table.member_offers', csv: { rows: true }, rows: metrics.offers,
      columns: [{ key: 'category' }, { key: 'reason' }, { key: 'with' }, { key: 'score', kind: 'count' }],
    }));
  } else {
    parts.push(note('persona.none'));
  }
  const byDay = sumBy(member.days, 'day', ['sales', 'paid_minor', 'refunded_minor']);
  parts.push(
    chart({
      id: 'member_paid', title: 'chart.member_paid', type: 'bar', money: true,
      labels: byDay.map((r) => r.day),
      series: [{ label: t('field.paid_minor'), data: byDay.map((r) => r.paid_minor) }],
    }),
    table({
      id: 'member_days', title: 'table.member_days', csv: { rows: true }, rows: member.days,
      columns: [{ key: 'day', kind: 'day' }, { key: 'store_id' }, { key: 'sales', kind: 'count' },
        { key: 'paid_minor', kind: 'money' }, { key: 'refunded_minor', kind: 'money' }],
    }),
    table({
      id: 'member_categories', title: 'table.member_categories', csv: { rows: true }, rows: member.categories,
      columns: [{ key: 'category' }, { key: 'qty', kind: 'count' }, { key: 'amount_minor', kind: 'money' },
        { key: 'last_day', kind: 'day' }],
    }),
    table({
      id: 'member_vouchers', title: 'table.member_vouchers', csv: { rows: true }, rows: member.vouchers,
      columns: [{ key: 'voucher_id' }, { key: 'status' }],
    }),
    table({
      id: 'member_campaigns', title: 'table.member_campaigns', csv: { rows: true }, rows: member.campaigns,
      columns: [{ key: 'campaign_id' }, { key: 'awards', kind: 'count' }, { key: 'held_out', kind: 'count' }],
    }));
  return parts;
}
