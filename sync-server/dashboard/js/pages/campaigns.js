// Campaigns: what each gave (GET /v1/reports/campaigns summed by campaign)
// and, where the server computes it, its effect against its holdout
// (GET /v1/reports/effects: conversion, uplift with its 95% interval,
// incremental revenue, cost and ROI).
import { ApiError, getJson } from '../api.js';
import { formatRate, t } from '../i18n.js';
import { chart, note, sumBy, table } from '../widgets.js';

export const title = 'page.campaigns';

const FIGURES = ['awards', 'held_out', 'points', 'discount_minor', 'vouchers_issued', 'paid_minor', 'held_out_paid_minor'];

// The effects report, or null when this server or this user has none
// (an older server: 404; a store manager: 403, it spans every store).
async function effects() {
  try {
    return await getJson('/v1/reports/effects');
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return null;
    throw error;
  }
}

const RATES = ['conversion_treated', 'conversion_control', 'uplift', 'relative_uplift',
  'repurchase_30_treated', 'repurchase_30_control', 'repurchase_60_treated', 'repurchase_60_control',
  'repurchase_90_treated', 'repurchase_90_control', 'roi'];

// A rate as a fraction: the server sends basis points (`<name>_bp`; null
// when undefined, e.g. no control group); a fraction `<name>` is read too.
function rate(row, name) {
  const bp = row[name + '_bp'];
  if (bp !== undefined) return bp === null ? null : bp / 10000;
  return row[name] === undefined ? null : row[name];
}

// An effect row with every rate as a fraction and the uplift's interval.
function normalise(row) {
  const out = { ...row };
  for (const name of RATES) out[name] = rate(row, name);
  const low = row.uplift_low_bp !== undefined ? rate(row, 'uplift_low') : rate(row, 'uplift_ci_low');
  const high = row.uplift_high_bp !== undefined ? rate(row, 'uplift_high') : rate(row, 'uplift_ci_high');
  out.uplift_ci = low === null || high === null ? null : [low, high];
  return out;
}

export async function render(context) {
  const range = context.rangeQuery();
  const [report, effect] = await Promise.all([
    getJson('/v1/reports/campaigns?limit=10000' + range), effects()]);
  const campaigns = sumBy(report.rows, 'campaign_id', FIGURES);
  const money = new Set(['discount_minor', 'paid_minor', 'held_out_paid_minor']);
  const parts = [
    chart({
      id: 'campaign_points', title: 'chart.campaign_points', type: 'bar',
      labels: campaigns.map((r) => r.campaign_id),
      series: [{ label: t('field.points'), data: campaigns.map((r) => r.points) }],
    }),
    table({
      id: 'campaigns', title: 'table.campaigns', csv: { path: '/v1/reports/campaigns?limit=10000' + range },
      rows: campaigns,
      columns: [{ key: 'campaign_id' }, ...FIGURES.map((key) => ({ key, kind: money.has(key) ? 'money' : 'count' }))],
    }),
  ];
  if (!effect) {
    parts.push(note('app.not_available'));
    return parts;
  }
  const rows = effect.rows.map(normalise);
  parts.push(
    chart({
      id: 'uplift', title: 'chart.uplift', type: 'bar',
      labels: rows.map((r) => r.name || r.campaign_id),
      series: [{ label: t('field.uplift'), data: rows.map((r) => (r.uplift === null ? 0 : r.uplift * 100)) }],
    }),
    table({
      id: 'effects', title: 'table.effects', csv: { rows: true }, rows,
      columns: [
        { key: 'campaign_id' }, { key: 'name' },
        { key: 'treated', kind: 'count' }, { key: 'control', kind: 'count' },
        { key: 'conversion_treated', kind: 'rate' }, { key: 'conversion_control', kind: 'rate' },
        { key: 'uplift', kind: 'rate' },
        { key: 'uplift_ci', value: (r) => (r.uplift_ci ? formatRate(r.uplift_ci[0]) + ' … ' + formatRate(r.uplift_ci[1]) : null) },
        { key: 'relative_uplift', kind: 'rate' },
        { key: 'revenue_per_member_treated_minor', kind: 'money' },
        { key: 'revenue_per_member_control_minor', kind: 'money' },
        { key: 'repurchase_30_treated', kind: 'rate' }, { key: 'repurchase_30_control', kind: 'rate' },
        { key: 'repurchase_90_treated', kind: 'rate' }, { key: 'repurchase_90_control', kind: 'rate' },
        { key: 'incremental_revenue_minor', kind: 'money' }, { key: 'cost_minor', kind: 'money' },
        { key: 'roi', kind: 'rate' },
      ],
    }));
  return parts;
}
