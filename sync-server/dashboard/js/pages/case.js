// One complaint case (#case?id=): GET /v1/admin/cases/{id} (its state,
// SLA timers, the complaint and the timeline) and the actions its status
// allows, each a POST /v1/admin/cases/{id}. After an action the view is
// drawn again from the server's answer; a refusal shows the server's
// message (in [data-case-error], with its code in data-code) and changes
// nothing.
import { getJson, postJson } from '../api.js';
import { label, t } from '../i18n.js';
import { element, kpis, table } from '../widgets.js';
import { caseRow, slaText } from './feedback.js';

export const title = 'page.case';

// The actions each status allows (sync-server's case_flow.cc); note,
// assign and compensate are allowed until the case is closed.
const STATUS_ACTIONS = {
  open: ['reply', 'note', 'hold', 'resolve'],
  replied: ['reply', 'note', 'hold', 'resolve'],
  on_hold: ['reply', 'note', 'resume', 'resolve'],
  resolved: ['note', 'close', 'reopen'],
  closed: [],
};
// Those that need the text box filled.
const NEEDS_TEXT = new Set(['reply', 'note']);

function path(id) { return '/v1/admin/cases/' + encodeURIComponent(id); }

function actionsCard(view, context) {
  const record = view.case;
  const card = element('div', { className: 'card case-actions', 'data-case-actions': record.status },
    element('h2', { text: t('case.actions') }));
  const allowed = STATUS_ACTIONS[record.status] || [];
  if (allowed.length === 0) {
    card.append(element('p', { className: 'note', text: t('case.closed') }));
    return card;
  }
  const error = element('p', { className: 'error', 'data-case-error': '', hidden: true });
  const buttons = [];
  const text = element('textarea', { id: 'case-text', rows: 3, maxLength: 4000 });
  const act = async (body) => {
    error.hidden = true;
    error.textContent = '';
    for (const button of buttons) button.disabled = true;
    try {
      await postJson(path(record.case_id), body);
      context.refresh();
    } catch (refusal) {
      error.textContent = t('case.refused') + refusal.message;
      error.dataset.code = refusal.code || String(refusal.status || '');
      error.hidden = false;
      for (const button of buttons) button.disabled = false;
    }
  };
  const button = (action, onClick) => {
    const node = element('button', { type: 'button', text: t('action.' + action), 'data-action': action });
    node.addEventListener('click', onClick);
    buttons.push(node);
    return node;
  };
  const row = element('div', { className: 'filters' });
  for (const action of allowed) {
    row.append(button(action, () => {
      const body = { action };
      if (text.value.trim() !== '' || NEEDS_TEXT.has(action)) body.text = text.value.trim();
      act(body);
    }));
  }
  card.append(element('label', { className: 'wide' }, t('case.text'), text), row);

  const assignee = element('input', { id: 'case-assignee', value: record.assignee });
  card.append(element('div', { className: 'filters' },
    element('label', {}, t('case.assignee'), assignee),
    button('assign', () => act({ action: 'assign', assignee: assignee.value.trim() }))));

  // Compensation is once per case: offered until it is given.
  if (record.compensation_points === 0) {
    const points = element('input', { id: 'case-points', type: 'number', min: 1, step: 1 });
    card.append(element('div', { className: 'filters' },
      element('label', {}, t('case.points'), points),
      button('compensate', () => {
        const body = { action: 'compensate', points: Number(points.value || 0) };
        if (text.value.trim() !== '') body.text = text.value.trim();
        act(body);
      })));
  }
  card.append(error);
  return card;
}

export async function render(context) {
  const id = context.params.get('id') || '';
  const view = await getJson(path(id));
  const row = caseRow(view);
  const complaint = view.complaint;
  const memberLink = context.who && context.who.role !== 'store_manager'
    ? element('a', { href: '#member?id=' + encodeURIComponent(row.member_id), text: row.member_id })
    : element('span', { text: row.member_id });
  return [
    element('p', { className: 'note', 'data-case': row.case_id },
      element('a', { href: '#feedback', text: t('case.back') }), ' · ' + row.case_id + ' · ', memberLink),
    kpis([
      { key: 'status', kind: 'text', value: row.status, text: label('status', row.status) },
      { key: 'store_id', kind: 'text', value: row.store_id },
      { key: 'assignee', kind: 'text', value: row.assignee || '—' },
      { key: 'opened_ms', kind: 'time', value: row.opened_ms },
      {
        key: 'first_response_left_ms', kind: 'hours', value: row.first_response_left_ms,
        text: slaText(row.first_response_left_ms, row.first_response_breached, row.paused),
        className: row.first_response_breached ? 'breached' : '',
      },
      {
        key: 'resolution_left_ms', kind: 'hours', value: row.resolution_left_ms,
        text: slaText(row.resolution_left_ms, row.resolution_breached, row.paused),
        className: row.resolution_breached ? 'breached' : '',
      },
      { key: 'compensation_points', kind: 'count', value: row.compensation_points },
    ]),
    element('div', { className: 'card' },
      element('h2', { text: t('case.complaint') }),
      element('p', { className: 'note', text: [label('kind', complaint.kind), complaint.topic,
        complaint.rating ? t('field.rating') + ' ' + complaint.rating : ''].filter(Boolean).join(' · ') }),
      element('p', { className: 'complaint-text', 'data-complaint': '', text: complaint.text || '—' })),
    actionsCard(view, context),
    table({
      id: 'case_notes', title: 'table.case_notes', csv: { rows: true },
      rows: view.notes.map((n) => ({ at_ms: n.at_ms, author: n.author, action: n.action, text: n.text })),
      columns: [
        { key: 'at_ms', kind: 'time' }, { key: 'author' },
        { key: 'action', text: (n) => label('action', n.action) }, { key: 'text', label: 'field.note_text' },
      ],
    }),
  ];
}
