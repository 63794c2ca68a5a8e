// Pixmill's converter page: pick or drop files, send them as one batch, follow the job, compare.
import {
  HttpError, account, batchBody, fileShares, followJob, presets, saveZip, uploadBatch,
} from './api.js';
import * as words from './words.js';

const KEY_STORAGE = 'pixmill.apiKey';
const MAX_BATCH = 50;
const LOSSY = new Set(['jpg', 'webp', 'avif', 'heic']);

const $ = (selector, root = document) => root.querySelector(selector);
const statusLine = $('#status');
const batches = $('#batches');
const startButton = $('#start');
const clearButton = $('#clear');

/** Files added but not sent yet: [{file, el}], shown in the "Ready" list. */
let draft = [];
let draftSection = null;
let batchNumber = 0;
let running = 0;

function announce(text) {
  statusLine.textContent = text;
}

function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

// --- API key -----------------------------------------------------------------------------------

function storedKey() {
  try {
    return localStorage.getItem(KEY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

function masked(key) {
  return `${key.slice(0, 3)}…${key.slice(-4)}`;
}

function showKeyState(extra = '') {
  const key = storedKey();
  $('#key-forget').hidden = !key;
  $('#key-save').textContent = key ? 'Replace key' : 'Save key';
  $('#key-state').textContent = key
    ? `Using the key ${masked(key)} saved in this browser.${extra}`
    : 'No key: anonymous limits apply.';
}

async function saveKey(event) {
  event.preventDefault();
  const input = $('#api-key');
  const error = $('#key-error');
  const key = input.value.trim();
  error.textContent = '';
  if (!key) {
    error.textContent = 'Enter a key first (it starts with kp_).';
    input.focus();
    return;
  }
  try {
    const who = await account(key);
    localStorage.setItem(KEY_STORAGE, key);
    input.value = '';
    showKeyState(` Plan ${who.plan}, ${who.credits} credits.`);
  } catch (e) {
    error.textContent = e instanceof HttpError && e.status === 401
      ? 'This key is not accepted by the server (unknown, mistyped or revoked). It was not saved.'
      : 'The server could not be reached to check the key. It was not saved; try again.';
    input.focus();
  }
}

function forgetKey() {
  localStorage.removeItem(KEY_STORAGE);
  $('#key-error').textContent = '';
  showKeyState();
  $('#api-key').focus();
}

// --- Options -----------------------------------------------------------------------------------

function checked(name) {
  return $(`input[name="${name}"]:checked`).value;
}

function showModes() {
  for (const group of ['quality-mode', 'size-mode']) {
    const mode = checked(group);
    const fieldset = $(`input[name="${group}"]`).closest('fieldset');
    for (const sub of fieldset.querySelectorAll('.sub')) sub.hidden = sub.dataset.mode !== mode;
  }
}

class OptionError extends Error {
  constructor(message, field) {
    super(message);
    this.field = field;
  }
}

function whole(input, min, max, what) {
  const value = input.value.trim();
  if (!value) return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new OptionError(`${what} must be a whole number from ${min} to ${max}.`, input);
  }
  return n;
}

/** The batch's form fields from the options, or OptionError naming the field to fix. */
function readOptions() {
  const format = $('#format').value;
  const fields = [['output_format', format]];
  switch (checked('quality-mode')) {
    case 'fixed':
      fields.push(['quality', $('#quality').value]);
      break;
    case 'smart':
      fields.push(['smart_quality', $('#smart').value]);
      break;
    default: {
      const kb = whole($('#target-kb'), 1, 51200, 'The target size');
      if (kb == null) throw new OptionError('Enter a target size in KB.', $('#target-kb'));
      if (!LOSSY.has(format)) {
        throw new OptionError('A target size needs WebP, AVIF, JPEG or HEIC as the output format.', $('#format'));
      }
      fields.push(['target_kb', String(kb)]);
    }
  }
  if (checked('size-mode') === 'box') {
    const width = whole($('#width'), 1, 8000, 'The width');
    const height = whole($('#height'), 1, 8000, 'The height');
    if (width == null && height == null) throw new OptionError('Enter a width, a height or both.', $('#width'));
    if (width != null) fields.push(['width', String(width)]);
    if (height != null) fields.push(['height', String(height)]);
  } else if (checked('size-mode') === 'preset') {
    const preset = $('#preset').value;
    if (!preset) throw new OptionError('Choose a preset.', $('#preset'));
    fields.push(['optimize_for', preset]);
  }
  if ($('#keep-metadata').checked) fields.push(['keep_metadata', 'true']);
  return fields;
}

function presetLabel(p) {
  const name = p.name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
  return `${name} — ${p.width} × ${p.height}${p.output_format ? ` (${p.output_format.toUpperCase()})` : ''}`;
}

// A preset that needs its own format (favicon: ICO) sets it; the person may still choose another.
function presetChosen() {
  const format = $('#preset').selectedOptions[0]?.dataset.format;
  const hint = $('#preset-hint');
  if (format && $('#format').value !== format && $(`#format option[value="${format}"]`)) {
    $('#format').value = format;
    hint.textContent = `The output format is now ${format.toUpperCase()}, as this preset needs.`;
  } else {
    hint.textContent = '';
  }
}

async function loadPresets() {
  const select = $('#preset');
  try {
    const list = await presets();
    select.replaceChildren(...list.map((p) => {
      const option = new Option(presetLabel(p), p.name);
      if (p.output_format) option.dataset.format = p.output_format;
      return option;
    }));
  } catch {
    select.replaceChildren(new Option('Presets could not be loaded', ''));
    $('#s-preset').disabled = true;
  }
}

// --- Files -------------------------------------------------------------------------------------

function fileElement(file) {
  const el = $('#file-template').content.firstElementChild.cloneNode(true);
  $('.file-name', el).textContent = file.name;
  $('.file-state', el).textContent = `Ready · ${words.bytes(file.size)}`;
  $('.remove', el).setAttribute('aria-label', `Remove ${file.name}`);
  return el;
}

function newSection(title) {
  const section = document.createElement('section');
  section.className = 'batch';
  const head = document.createElement('div');
  head.className = 'batch-head';
  const h = document.createElement('h3');
  h.textContent = title;
  const zip = document.createElement('div');
  zip.className = 'zip';
  head.append(h, zip);
  const summary = document.createElement('p');
  summary.className = 'batch-summary';
  const list = document.createElement('ul');
  list.className = 'files';
  section.append(head, summary, list);
  return section;
}

function updateButtons() {
  startButton.disabled = draft.length === 0;
  startButton.textContent = draft.length ? `Convert ${plural(draft.length, 'file')}` : 'Convert';
  clearButton.disabled = draft.length === 0 && !batches.querySelector('.batch.ended');
}

function addFiles(fileList) {
  const files = Array.from(fileList);
  if (!files.length) return;
  if (!draftSection) {
    draftSection = newSection('Ready to convert');
    batches.prepend(draftSection);
  }
  for (const file of files) {
    const entry = { file, el: fileElement(file) };
    $('.remove', entry.el).addEventListener('click', () => {
      draft = draft.filter((e) => e !== entry);
      entry.el.remove();
      if (!draft.length) {
        draftSection.remove();
        draftSection = null;
      }
      updateButtons();
      announce(`${file.name} removed.`);
      startButton.focus();
    });
    draft.push(entry);
    $('.files', draftSection).append(entry.el);
  }
  updateButtons();
  announce(`${plural(files.length, 'file')} added (${plural(draft.length, 'file')} ready). Choose the options, then Convert.`);
}

function setState(entry, state, text) {
  entry.el.dataset.state = state;
  $('.file-state', entry.el).textContent = text;
}

function setProgress(entry, value) {
  const bar = $('.bar', entry.el);
  bar.hidden = false;
  bar.value = value;
}

function fail(entry, message) {
  if (entry.ended) return;
  entry.ended = true;
  setState(entry, 'failed', 'Failed');
  $('.bar', entry.el).hidden = true;
  const error = $('.file-error', entry.el);
  error.textContent = message;
  error.hidden = false;
}

function data(value, text) {
  const el = document.createElement('data');
  el.value = String(value);
  el.textContent = text;
  return el;
}

function noPreview(img, what) {
  const note = document.createElement('p');
  note.className = 'no-preview';
  note.textContent = `This browser cannot show ${what}; the download is not affected.`;
  img.replaceWith(note);
  img.closest('.compare-frame')?.classList.add('stack-fallback');
}

function done(entry, item) {
  if (entry.ended) return;
  entry.ended = true;
  const { el, file } = entry;
  el.dataset.itemId = item.id;
  setState(entry, 'done', 'Done');
  $('.bar', el).hidden = true;
  const compare = $('.compare', el);
  const frame = $('.compare-frame', compare);
  const before = $('.before img', compare);
  const after = $('.after img', compare);
  const inputSize = item.input_size ?? file.size;

  entry.objectUrl = URL.createObjectURL(file);
  before.alt = `Original: ${file.name}`;
  before.addEventListener('load', () => {
    $('.before-facts', el).replaceChildren(words.dimensions(before.naturalWidth, before.naturalHeight), ' · ',
      data(inputSize, words.bytes(inputSize)));
  }, { once: true });
  before.addEventListener('error', () => noPreview(before, 'the original'), { once: true });
  $('.before-facts', el).replaceChildren(data(inputSize, words.bytes(inputSize)));
  before.src = entry.objectUrl;

  after.alt = `Result: ${item.filename}`;
  after.addEventListener('error', () => noPreview(after, `${item.output_format.toUpperCase()} images`), { once: true });
  after.src = item.download_url;
  $('.after-facts', el).replaceChildren(words.dimensions(item.width, item.height), ' · ',
    data(item.output_size, words.bytes(item.output_size)), ` · ${item.output_format.toUpperCase()}`);
  $('.savings', el).textContent = words.savings(inputSize, item.output_size);

  const reveal = $('.reveal', compare);
  const move = () => {
    frame.style.setProperty('--reveal', `${reveal.value}%`);
    reveal.setAttribute('aria-valuetext', `${reveal.value} % original, ${100 - reveal.value} % result`);
  };
  reveal.addEventListener('input', move);
  move();

  const link = $('.download', compare);
  link.href = item.download_url;
  link.download = item.filename;
  link.textContent = `Download ${item.filename}`;
  compare.hidden = false;
}

function showItem(entry, item) {
  if (!entry || entry.ended) return;
  if (item.status === 'completed') done(entry, item);
  else if (item.status === 'failed') fail(entry, words.itemError(item.error_message));
  else if (item.status === 'processing') {
    setState(entry, 'converting', `Converting ${item.progress} %`);
    setProgress(entry, item.progress);
  } else {
    setState(entry, 'queued', 'Waiting to be converted');
    setProgress(entry, 0);
  }
}

function zipLink(section, job, key) {
  const holder = $('.zip', section);
  // Relative to the page like every other call (the job's zip_url is a path from the root), so that
  // the page also works behind a proxy that serves Pixmill under a path prefix.
  const zipUrl = `api/v1/jobs/${encodeURIComponent(job.job_id)}/zip`;
  const label = `Download all (ZIP, ${plural(job.completed_files, 'file')})`;
  if (!key) {
    const a = document.createElement('a');
    a.className = 'button-like primary download-all';
    a.href = zipUrl;
    a.download = `pixmill-${job.job_id}.zip`;
    a.textContent = label;
    holder.replaceChildren(a);
    return;
  }
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'primary download-all';
  button.textContent = label;
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = 'Preparing the ZIP…';
    try {
      await saveZip(zipUrl, key, `pixmill-${job.job_id}.zip`);
    } catch (e) {
      announce(e instanceof HttpError && e.status === 404 ? words.EXPIRED : words.NETWORK_LOST);
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });
  holder.replaceChildren(button);
}

async function runBatch(entries, fields, key) {
  const number = ++batchNumber;
  const section = newSection(`Batch ${number} · ${plural(entries.length, 'file')}`);
  batches.prepend(section);
  const list = $('.files', section);
  const summary = $('.batch-summary', section);
  for (const entry of entries) {
    $('.remove', entry.el).remove();
    list.append(entry.el);
    setState(entry, 'uploading', 'Uploading 0 %');
    setProgress(entry, 0);
  }
  running++;
  const finish = (text) => {
    running--;
    section.classList.add('ended');
    summary.textContent = text;
    announce(`Batch ${number}: ${text}`);
    updateButtons();
  };

  const body = batchBody(fields, entries.map((e) => e.file));
  summary.textContent = `Uploading ${words.bytes(body.blob.size)}…`;
  let accepted;
  try {
    accepted = await uploadBatch(body, key, (sent) => {
      fileShares(body.spans, sent).forEach((share, i) => {
        const pct = Math.floor(share * 100);
        setState(entries[i], 'uploading', pct < 100 ? `Uploading ${pct} %` : 'Uploaded, the server is reading it');
        setProgress(entries[i], pct);
      });
    });
  } catch (e) {
    const message = e instanceof HttpError ? words.batchError(e.status, e.body, e.header, Boolean(key)) : words.NETWORK_LOST;
    entries.forEach((entry) => fail(entry, message));
    finish(`Not converted. ${message}`);
    return;
  }
  section.dataset.jobId = accepted.job_id;
  summary.textContent = 'Converting…';
  entries.forEach((entry) => showItem(entry, { status: 'pending', progress: 0 }));

  const byId = new Map();
  let counted = '';
  const apply = (job) => {
    job.items.forEach((item, i) => {
      byId.set(item.id, entries[i]);
      showItem(entries[i], item);
    });
    const text = `${job.completed_files} of ${job.total_files} converted`
      + (job.failed_files ? `, ${job.failed_files} failed` : '');
    summary.textContent = text + (job.status === 'processing' ? '…' : '.');
    if (job.status === 'processing' && text !== counted) announce(`Batch ${number}: ${text}…`);
    counted = text;
  };
  try {
    const final = await followJob(accepted.job_id, key, {
      onStatus: apply,
      onItem: (item) => showItem(byId.get(item.id), item),
      onRetry: () => { summary.textContent = 'Connection lost; reconnecting…'; },
    });
    apply(final);
    if (final.completed_files > 0) zipLink(section, final, key);
    finish(`${final.completed_files} of ${final.total_files} converted`
      + (final.failed_files ? `, ${final.failed_files} failed (the reason is shown under each file).` : '.'));
  } catch (e) {
    const message = e instanceof HttpError && e.status === 404 ? words.EXPIRED : words.NETWORK_LOST;
    entries.forEach((entry) => fail(entry, message));
    finish(message);
  }
}

function start() {
  const error = $('#options-error');
  error.textContent = '';
  let fields;
  try {
    fields = readOptions();
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    error.textContent = e.message;
    e.field?.focus();
    return;
  }
  const entries = draft;
  draft = [];
  draftSection?.remove();
  draftSection = null;
  updateButtons();
  const key = storedKey();
  // One job per 50 files (the batch API's limit), each with its own ZIP.
  for (let i = 0; i < entries.length; i += MAX_BATCH) runBatch(entries.slice(i, i + MAX_BATCH), fields, key);
  announce(`Uploading ${plural(entries.length, 'file')}…`);
}

function clear() {
  for (const entry of draft) entry.el.remove();
  draft = [];
  draftSection?.remove();
  draftSection = null;
  for (const section of batches.querySelectorAll('.batch.ended')) {
    for (const img of section.querySelectorAll('.before img')) if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
    section.remove();
  }
  updateButtons();
  announce('The list is cleared.');
}

// --- Drag and drop -----------------------------------------------------------------------------

function carriesFiles(event) {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

function wireDrop() {
  const zone = $('#drop');
  let depth = 0;
  // The whole page accepts a drop, so that a file let go beside the zone is not opened by the browser.
  document.addEventListener('dragenter', (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    depth++;
    zone.classList.add('over');
  });
  document.addEventListener('dragover', (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) zone.classList.remove('over');
  });
  document.addEventListener('drop', (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    depth = 0;
    zone.classList.remove('over');
    addFiles(e.dataTransfer.files);
  });
}

// --- Start-up ----------------------------------------------------------------------------------

function init() {
  $('#key-form').addEventListener('submit', saveKey);
  $('#key-forget').addEventListener('click', forgetKey);
  showKeyState();

  for (const radio of document.querySelectorAll('input[name="quality-mode"], input[name="size-mode"]')) {
    radio.addEventListener('change', showModes);
  }
  showModes();
  const quality = $('#quality');
  quality.addEventListener('input', () => { $('#quality-value').value = quality.value; });
  loadPresets();
  $('#preset').addEventListener('change', presetChosen);

  const input = $('#file-input');
  input.addEventListener('change', () => {
    addFiles(input.files);
    input.value = '';
  });
  wireDrop();
  startButton.addEventListener('click', start);
  clearButton.addEventListener('click', clear);
  window.addEventListener('beforeunload', (e) => {
    if (running) e.preventDefault();
  });
  document.documentElement.dataset.ready = 'true';
}

init();
