// The dashboard's building blocks: KPI cards, tables with a CSV download,
// and charts (Chart.js, from Debian's libjs-chart.js). Every figure shown
// carries its raw value in data-value, so a test (or a curious user) can
// compare it with the report API.
import { downloadCsv, saveRowsAsCsv } from './api.js';
import { formatCount, formatDay, formatDecimal, formatHours, formatMoney, formatRate, formatTime, t } from './i18n.js';

const charts = [];
const pending = [];

// Destroys the charts of the page being left.
export function clearCharts() {
  pending.length = 0;
  while (charts.length > 0) charts.pop().destroy();
}

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null) continue;
    if (name === 'text') node.textContent = value;
    else if (name.startsWith('data-')) node.setAttribute(name, value);
    else node[name] = value;
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export function format(kind, value) {
  switch (kind) {
    case 'money': return formatMoney(value);
    case 'count': return formatCount(value);
    case 'rate': return formatRate(value);
    case 'day': return formatDay(value);
    case 'decimal': return formatDecimal(value);
    case 'hours': return formatHours(value);
    case 'time': return formatTime(value);
    default: return value === null || value === undefined ? '–' : String(value);
  }
}

// 'hours' is a duration given in milliseconds; 'time' an instant in ms.
function isNumeric(kind) {
  return kind === 'money' || kind === 'count' || kind === 'rate' || kind === 'decimal' || kind === 'hours';
}

function rawValue(value) {
  if (value === null || value === undefined) return '';
  return Array.isArray(value) ? value.join(' ') : String(value);
}

export function heading(key) { return element('h1', { text: t(key), 'data-i18n': key }); }

export function note(key) { return element('p', { className: 'note', text: t(key) }); }

// A grid of KPI cards: [{key, kind, value, text?, className?}], each
// labelled field.<key>; `text` shows instead of the formatted value (a
// code's name, say), data-value keeping the value.
export function kpis(items) {
  const grid = element('div', { className: 'kpis' });
  for (const item of items) {
    const className = 'kpi' + (item.className ? ' ' + item.className : '');
    const text = item.text !== undefined ? item.text : format(item.kind, item.value);
    grid.append(element('div', { className, 'data-kpi': item.key, 'data-value': rawValue(item.value) },
      element('span', { className: 'label', text: t(item.label || 'field.' + item.key) }),
      element('span', { className: 'value', text })));
  }
  return grid;
}

// A table card. columns: [{key, kind, label?, link?(row) -> href,
// value?(row) (the cell's value, else row[key]), text?(row) (what the cell
// shows, else the value formatted), className?(row) (a class for the cell,
// e.g. 'breached')}];
// csv: {path} for the report's own CSV, or {rows: true} to export the rows
// shown. id names the table for tests (data-table).
export function table({ id, title, columns, rows, csv }) {
  const card = element('div', { className: 'card', 'data-table': id });
  const head = element('div', { className: 'table-head' }, element('h2', { text: t(title) }));
  if (csv) {
    const button = element('button', { type: 'button', className: 'csv', text: t('app.csv'), 'data-csv': id });
    button.addEventListener('click', () => {
      if (csv.path) downloadCsv(csv.path, id + '.csv');
      else saveRowsAsCsv(id + '.csv', columns.map((c) => c.key), rows);
    });
    head.append(button);
  }
  card.append(head);
  if (rows.length === 0) {
    card.append(element('p', { className: 'note', text: t('app.no_rows') }));
    return card;
  }
  const headerRow = element('tr');
  for (const column of columns) {
    headerRow.append(element('th', { className: isNumeric(column.kind) ? 'num' : '', text: t(column.label || 'field.' + column.key) }));
  }
  const body = element('tbody');
  rows.forEach((row, index) => {
    const tr = element('tr', { 'data-row': index });
    for (const column of columns) {
      const value = column.value ? column.value(row) : row[column.key];
      const classes = [isNumeric(column.kind) ? 'num' : '', column.className ? column.className(row) : ''];
      const td = element('td', { className: classes.filter(Boolean).join(' '), 'data-field': column.key, 'data-value': rawValue(value) });
      const text = column.text ? column.text(row) : format(column.kind, value);
      if (column.link) td.append(element('a', { href: column.link(row), text }));
      else td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  });
  card.append(element('div', { className: 'scroll' }, element('table', {}, element('thead', {}, headerRow), body)));
  return card;
}

const PALETTE = ['#b3261e', '#1f6feb', '#2da44e', '#bf8700', '#8250df', '#cf222e', '#0a7ea4', '#57606a'];

// A chart card: type 'line', 'bar' or 'doughnut'; series: [{label, data}];
// money series are given in minor units and drawn in yuan; counts: the
// value axis marks whole numbers only.
export function chart({ id, title, type, labels, series, money, counts }) {
  const canvas = element('canvas', { 'data-chart': id });
  const card = element('div', { className: 'card' }, element('h2', { text: t(title) }),
    element('div', { className: 'chart' }, canvas));
  const datasets = series.map((s, index) => ({
    label: s.label,
    data: money ? s.data.map((v) => v / 100) : s.data,
    backgroundColor: type === 'doughnut' ? labels.map((_, i) => PALETTE[i % PALETTE.length]) : PALETTE[index % PALETTE.length],
    borderColor: PALETTE[index % PALETTE.length],
  }));
  // Drawn by drawCharts once the card is in the document: Chart.js sizes a
  // chart to its parent, which a detached canvas does not have.
  pending.push(() => new window.Chart(canvas, {
    type,
    data: { labels, datasets },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      plugins: { legend: { display: type === 'doughnut' || series.length > 1 } },
      ...(counts ? { scales: { y: { ticks: { precision: 0 } } } } : {}),
    },
  }));
  return card;
}

// Draws the charts made since the last call (their cards now attached).
export function drawCharts() {
  while (pending.length > 0) charts.push(pending.shift()());
}

// Rows summed by a key: [{<key>: k, <figure>: sum, ...}] in key order.
export function sumBy(rows, key, figures) {
  const groups = new Map();
  for (const row of rows) {
    const k = row[key];
    if (!groups.has(k)) groups.set(k, Object.fromEntries([[key, k], ...figures.map((f) => [f, 0])]));
    const group = groups.get(k);
    for (const f of figures) group[f] += row[f] || 0;
  }
  return [...groups.values()].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}
