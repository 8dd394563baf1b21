// The dashboard's shell: login and logout, the language switch, the menu a
// role may use, and the views chosen by the URL's hash ("#stores?from=").
// When a view has rendered, body[data-ready] names it and its language
// ("stores:zh"); when it failed, body[data-error] says why. Tests wait on
// these.
import * as api from './api.js';
import { currentLanguage, setLanguage, t, translate } from './i18n.js';
import { clearCharts, drawCharts, element } from './widgets.js';
import * as overview from './pages/overview.js';
import * as stores from './pages/stores.js';
import * as categories from './pages/categories.js';
import * as tiers from './pages/tiers.js';
import * as members from './pages/members.js';
import * as member from './pages/member.js';
import * as campaigns from './pages/campaigns.js';
import * as liability from './pages/liability.js';
import * as feedback from './pages/feedback.js';
import * as caseView from './pages/case.js';

const PAGES = {
  overview, stores, categories, tiers, members, member, campaigns, liability, feedback, case: caseView,
};
// The menu, and who sees each entry. A store manager reads only the
// reports the server confines to their store ('chain': not them); cases
// and feedback are worked by admins, marketers and store managers
// ('cases': not analysts, whom the server refuses them).
const MENU = [
  ['overview', null], ['stores', null], ['categories', null], ['tiers', 'chain'],
  ['members', 'chain'], ['campaigns', null], ['liability', 'chain'], ['feedback', 'cases'],
];
// Views shown under another's menu entry.
const MENU_OF = { member: 'members', case: 'feedback' };
const RANGE_PAGES = new Set(['overview', 'stores', 'categories', 'tiers', 'campaigns', 'feedback']);
const LANGUAGE_KEY = 'patron.language';

const $ = (id) => document.getElementById(id);
let rendering = 0;  // the latest render; an older one finishing late is dropped

function route() {
  const hash = location.hash.replace(/^#/, '');
  const [name, query] = hash.split('?');
  return { name: PAGES[name] ? name : 'overview', params: new URLSearchParams(query || '') };
}

function buildMenu(who) {
  const nav = $('nav');
  nav.replaceChildren();
  for (const [name, scope] of MENU) {
    if (scope === 'chain' && who.role === 'store_manager') continue;
    if (scope === 'cases' && who.role === 'analyst') continue;
    nav.append(element('a', { href: '#' + name, text: t('nav.' + name), 'data-nav': name }));
  }
  nav.hidden = false;
}

function rangeBar(name, params) {
  const from = element('input', { type: 'date', value: params.get('from') || '', id: 'range-from' });
  const to = element('input', { type: 'date', value: params.get('to') || '', id: 'range-to' });
  const apply = element('button', { type: 'button', text: t('app.apply') });
  apply.addEventListener('click', () => {
    const next = new URLSearchParams();
    if (from.value) next.set('from', from.value);
    if (to.value) next.set('to', to.value);
    location.hash = name + (next.toString() ? '?' + next : '');
  });
  return element('div', { className: 'filters' },
    element('label', {}, t('app.from'), from), element('label', {}, t('app.to'), to), apply);
}

async function show() {
  const who = api.session();
  document.body.removeAttribute('data-ready');
  document.body.removeAttribute('data-error');
  translate(document);
  if (!who) {
    $('nav').hidden = true;
    $('logout').hidden = true;
    $('who').textContent = '';
    $('view').hidden = true;
    $('login').hidden = false;
    document.body.dataset.ready = 'login:' + currentLanguage();
    return;
  }
  $('login').hidden = true;
  $('logout').hidden = false;
  $('who').textContent = who.username + ' · ' + t('role.' + who.role) + (who.store_id ? ' · ' + who.store_id : '');
  buildMenu(who);
  const { name, params } = route();
  for (const link of document.querySelectorAll('#nav a')) {
    link.classList.toggle('active', link.dataset.nav === (MENU_OF[name] || name));
  }
  const page = PAGES[name];
  const view = $('view');
  const ticket = ++rendering;
  clearCharts();
  view.hidden = false;
  view.replaceChildren(element('p', { className: 'note', text: t('app.loading') }));
  const context = {
    params,
    who,
    // Renders the view again (after the page changed something).
    refresh() { show(); },
    rangeQuery() {
      let query = '';
      for (const key of ['from', 'to']) {
        if (params.get(key)) query += '&' + key + '=' + encodeURIComponent(params.get(key));
      }
      return query;
    },
  };
  try {
    const parts = await page.render(context);
    if (ticket !== rendering) return;
    const heading = element('h1', { text: t(page.title) });
    const bar = RANGE_PAGES.has(name) ? [rangeBar(name, params)] : [];
    view.replaceChildren(heading, ...bar, ...parts);
    drawCharts();
    document.body.dataset.ready = name + ':' + currentLanguage();
  } catch (error) {
    if (ticket !== rendering) return;
    view.replaceChildren(element('p', { className: 'error', text: t('app.error') + error.message }));
    document.body.dataset.error = name + ':' + (error.code || error.status || error.message);
  }
}

async function submitLogin(event) {
  event.preventDefault();
  const message = $('login-error');
  message.hidden = true;
  try {
    await api.login($('username').value, $('password').value);
    $('password').value = '';
    await show();
  } catch (error) {
    message.textContent = t(error.status === 429 ? 'login.locked' : 'login.failed');
    message.hidden = false;
    document.body.dataset.error = 'login:' + (error.code || error.status);
  }
}

function start() {
  setLanguage(localStorage.getItem(LANGUAGE_KEY) || (navigator.language.startsWith('zh') ? 'zh' : 'en'));
  $('lang').value = currentLanguage();
  $('lang').addEventListener('change', () => {
    setLanguage($('lang').value);
    localStorage.setItem(LANGUAGE_KEY, currentLanguage());
    show();
  });
  $('login-form').addEventListener('submit', submitLogin);
  $('logout').addEventListener('click', async () => {
    await api.logout().catch(() => {});
    show();
  });
  api.whenSessionLost(() => show());
  window.addEventListener('hashchange', show);
  show();
}

start();
