// Pixmill's batch API as the page uses it: one multipart upload per batch, its job's events, its ZIP.
// Paths are relative to the page, which the service it talks to serves (at / or under a proxy's prefix).

const CRLF = '\r\n';
const encoder = new TextEncoder();

/** An answer that is not a success: its status, its JSON error body ({error, message}) if any, its headers. */
export class HttpError extends Error {
  constructor(status, body, header) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.header = header;
  }
}

/** The connection failed (no answer at all). */
export class NetworkError extends Error {}

function headers(key, extra = {}) {
  return key ? { ...extra, 'X-API-Key': key } : extra;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// A file name inside a quoted header parameter, as browsers write it in their own form bodies.
function quoted(name) {
  return name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function randomHex(bytes) {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The multipart body of a batch, built here rather than by FormData so that the byte range of each
 * file is known: upload progress (bytes sent) then says how far each file is. The files stay
 * references to disk in the Blob; nothing is read into memory.
 */
export function batchBody(fields, files) {
  const boundary = `----pixmill-${randomHex(12)}`;
  const parts = [];
  let offset = 0;
  const add = (chunk) => {
    parts.push(chunk);
    offset += chunk instanceof Blob ? chunk.size : chunk.byteLength;
  };
  for (const [name, value] of fields) {
    add(encoder.encode(`--${boundary}${CRLF}Content-Disposition: form-data; name="${name}"${CRLF}${CRLF}${value}${CRLF}`));
  }
  const spans = files.map((file) => {
    const start = offset;
    add(encoder.encode(`--${boundary}${CRLF}Content-Disposition: form-data; name="files"; filename="${quoted(file.name)}"`
      + `${CRLF}Content-Type: ${file.type || 'application/octet-stream'}${CRLF}${CRLF}`));
    add(file);
    add(encoder.encode(CRLF));
    return { start, end: offset };
  });
  add(encoder.encode(`--${boundary}--${CRLF}`));
  return { blob: new Blob(parts), type: `multipart/form-data; boundary=${boundary}`, spans };
}

/** How far each file of {@link batchBody} is when {@code sent} bytes have gone: 0..1 per file. */
export function fileShares(spans, sent) {
  return spans.map(({ start, end }) => Math.min(1, Math.max(0, (sent - start) / (end - start))));
}

/**
 * POSTs the batch with upload progress (fetch has none); {@code onSent(bytes)} as it goes.
 * Resolves with the 202 answer ({job_id, status, total_files}); rejects with HttpError or NetworkError.
 */
export function uploadBatch(body, key, onSent) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', 'api/v1/convert/batch');
    xhr.setRequestHeader('Content-Type', body.type);
    xhr.setRequestHeader('Accept', 'application/json');
    if (key) xhr.setRequestHeader('X-API-Key', key);
    xhr.upload.addEventListener('progress', (e) => onSent(e.loaded));
    xhr.upload.addEventListener('load', () => onSent(body.blob.size));
    xhr.addEventListener('load', () => {
      const json = parseJson(xhr.responseText);
      if (xhr.status === 202 && json?.job_id) resolve(json);
      else reject(new HttpError(xhr.status, json, (name) => xhr.getResponseHeader(name)));
    });
    xhr.addEventListener('error', () => reject(new NetworkError('upload failed')));
    xhr.addEventListener('abort', () => reject(new NetworkError('upload aborted')));
    xhr.send(body.blob);
  });
}

async function failure(response) {
  const body = parseJson(await response.text().catch(() => ''));
  return new HttpError(response.status, body, (name) => response.headers.get(name));
}

/** The job document. */
export async function job(jobId, key) {
  let response;
  try {
    response = await fetch(`api/v1/jobs/${encodeURIComponent(jobId)}`, { headers: headers(key), cache: 'no-store' });
  } catch (e) {
    throw new NetworkError(e.message);
  }
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** Server-Sent Events from a fetch body: calls onEvent(name, data) per event; resolves when the stream ends. */
async function readEvents(response, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let blank;
    while ((blank = /\r?\n\r?\n/.exec(buffer))) {
      const block = buffer.slice(0, blank.index);
      buffer = buffer.slice(blank.index + blank[0].length);
      let name = 'message';
      const data = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') name = text;
        else if (field === 'data') data.push(text);
      }
      if (data.length) onEvent(name, parseJson(data.join('\n')));
    }
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Follows a job until it has ended: onItem(item) for each item change, onStatus(job) for each job
 * document; resolves with the final document. The stream is read with fetch, not EventSource,
 * because a keyed job's events need the X-API-Key header (and the key stays out of the URL).
 * A dropped stream is reopened (its first event is the current state); a refusal (404: expired
 * or not this caller's) rejects with HttpError.
 */
export async function followJob(jobId, key, { onItem, onStatus, onRetry }) {
  let final = null;
  let wait = 500;
  for (;;) {
    try {
      const response = await fetch(`api/v1/jobs/${encodeURIComponent(jobId)}/events`, {
        headers: headers(key, { Accept: 'text/event-stream' }),
        cache: 'no-store',
      });
      if (!response.ok) throw await failure(response);
      await readEvents(response, (name, data) => {
        if (!data) return;
        if (name === 'item') onItem(data);
        if (name === 'status') {
          onStatus(data);
          if (data.status !== 'processing') final = data;
        }
      });
      if (final) return final;
      wait = 500;
    } catch (e) {
      if (e instanceof HttpError && e.status < 500 && e.status !== 429) throw e;
      if (final) return final;
      onRetry?.(e);
      wait = Math.min(wait * 2, 8000);
    }
    await sleep(wait);
  }
}

/**
 * Saves a keyed job's ZIP: the link alone cannot send the key, so it is fetched with the header
 * and handed to the browser as a Blob. (Anonymous jobs use the plain link, which streams to disk.)
 */
export async function saveZip(zipUrl, key, filename) {
  let response;
  try {
    response = await fetch(zipUrl, { headers: headers(key) });
  } catch (e) {
    throw new NetworkError(e.message);
  }
  if (!response.ok) throw await failure(response);
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The platform presets: [{name, width, height, output_format?}]. */
export async function presets() {
  const response = await fetch('api/v1/presets');
  if (!response.ok) throw await failure(response);
  return (await response.json()).presets;
}

/** Whether a key is accepted: the account document, or HttpError (401 for an unknown key). */
export async function account(key) {
  let response;
  try {
    response = await fetch('api/v1/account', { headers: headers(key), cache: 'no-store' });
  } catch (e) {
    throw new NetworkError(e.message);
  }
  if (!response.ok) throw await failure(response);
  return response.json();
}
