// The report API as the dashboard calls it: the session token from
// sessionStorage (gone when the tab closes) as a bearer token, JSON in and
// out. No cookies, so no request can be forged from another site.
const SESSION_KEY = 'patron.session';

export function session() {
  const text = sessionStorage.getItem(SESSION_KEY);
  return text ? JSON.parse(text) : null;
}

export function forgetSession() { sessionStorage.removeItem(SESSION_KEY); }

// Thrown for any answer but 2xx; `status` and the API's error `code`.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || String(status));
    this.status = status;
    this.code = code;
  }
}

// Called when the session is refused (ended, logged out elsewhere).
let onSessionLost = () => {};
export function whenSessionLost(callback) { onSessionLost = callback; }

async function call(method, path, body) {
  const headers = {};
  const current = session();
  if (current) headers.Authorization = 'Bearer ' + current.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store', credentials: 'omit',
  });
  if (response.status === 401 && current) {
    forgetSession();
    onSessionLost();
  }
  if (!response.ok) {
    let code = '';
    let message = '';
    try {
      const error = (await response.json()).error || {};
      code = error.code || '';
      message = error.message || '';
    } catch (ignored) { /* not JSON */ }
    throw new ApiError(response.status, code, message);
  }
  return response;
}

export async function getJson(path) { return (await call('GET', path)).json(); }

// A POST of `body` as JSON; the answer's JSON, or an ApiError carrying the
// server's refusal (its code and message) for any answer but 2xx.
export async function postJson(path, body) { return (await call('POST', path, body)).json(); }

export async function login(username, password) {
  const reply = await (await call('POST', '/v1/auth/login', { username, password })).json();
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(reply));
  return reply;
}

export async function logout() {
  try { await call('POST', '/v1/auth/logout'); } finally { forgetSession(); }
}

// Saves `content` (text or a blob) as a file through a temporary object URL.
function saveFile(name, content, type) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// A report's own CSV (?format=csv): fetched with the token, then saved
// byte for byte (as a blob: decoding it as text would drop the byte-order
// mark spreadsheets need).
export async function downloadCsv(path, name) {
  const separator = path.includes('?') ? '&' : '?';
  const blob = await (await call('GET', path + separator + 'format=csv')).blob();
  saveFile(name, blob, 'text/csv;charset=utf-8');
}

// A table the server has no CSV of: its rows as CSV (RFC 4180), with a
// byte-order mark so spreadsheets read Chinese.
export function saveRowsAsCsv(name, columns, rows) {
  const quote = (value) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? '"' + text.replaceAll('"', '""') + '"' : text;
  };
  const lines = [columns.map(quote).join(',')];
  for (const row of rows) lines.push(columns.map((c) => quote(row[c])).join(','));
  saveFile(name, '\ufeff' + lines.join('\r\n') + '\r\n', 'text/csv;charset=utf-8');
}
