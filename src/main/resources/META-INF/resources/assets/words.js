// What the page says to a person: sizes, dimensions, and errors in plain words.

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** 1536 → "1.5 KB" (KB and MB of 1024, as the API's target_kb). */
export function bytes(n) {
  if (n == null || Number.isNaN(n)) return 'unknown size';
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${number.format(n / 1024)} KB`;
  return `${number.format(n / (1024 * 1024))} MB`;
}

export function dimensions(width, height) {
  return `${width} × ${height} px`;
}

/** "75 % smaller" or "12 % larger"; the share of the original's size saved or added. */
export function savings(before, after) {
  if (!before || after == null) return 'unknown';
  const change = Math.round(((before - after) / before) * 1000) / 10;
  if (change > 0) return `${number.format(change)} % smaller (${bytes(before - after)} saved)`;
  if (change < 0) return `${number.format(-change)} % larger`;
  return 'the same size';
}

function seconds(headerValue) {
  const s = Number.parseInt(headerValue ?? '', 10);
  if (!Number.isFinite(s) || s < 0) return 'a moment';
  if (s < 90) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  if (m < 90) return `${m} minutes`;
  return `${Math.ceil(m / 60)} hours`;
}

/**
 * A refused batch ({error, message} and the answer's headers) in words for a person.
 * The API's own sentence follows as the detail where it adds something.
 */
export function batchError(status, body, header, hasKey) {
  const code = body?.error;
  const detail = body?.message ? ` (${body.message})` : '';
  const anonymous = hasKey ? '' : ' Without an API key the anonymous limits apply; a key raises them.';
  switch (code) {
    case 'rate_limited':
      return `Too many requests in a short time. Try again in ${seconds(header('Retry-After'))}.${anonymous}`;
    case 'quota_exceeded':
      return `Today's allowance of conversions is used up. Try again in ${seconds(header('Retry-After'))}.${anonymous}`;
    case 'invalid_api_key':
      return 'The API key was not accepted: check it, or forget it to continue without a key.';
    case 'missing_api_key':
      return 'These options need an API key.';
    case 'insufficient_credits':
      return 'The key has not enough credits left for these files.';
    case 'api_disabled':
      return 'This key may not use the conversion API.';
    case 'too_many_files':
      return 'Too many files in one go: at most 50 at a time.';
    case 'missing_file':
      return 'No file arrived at the server. Add the files again.';
    case 'file_too_large':
      return `The upload is too large${detail}.`;
    case 'invalid_parameter':
      return `One of the options is not accepted${detail}.`;
    case 'service_busy':
      return `The server is busy right now. Try again in ${seconds(header('Retry-After'))}.`;
    case 'request_timeout':
      return 'The upload took too long and was stopped. Try fewer or smaller files, or a faster connection.';
    default:
      if (status >= 500) return `The server could not take the files (error ${status}). Try again later.`;
      return body?.message ? `The server refused the files: ${body.message}.` : `The server refused the files (error ${status}).`;
  }
}

/** Why one item failed, from its error_message (a sentence without a code): a plain headline, then the detail. */
export function itemError(message) {
  const m = (message ?? '').toLowerCase();
  let headline;
  if (m.includes('empty')) headline = 'The file is empty.';
  else if (m.includes('not an image') || m.includes('unsupported') || m.includes('not a supported')) {
    headline = 'This file is not an image Pixmill can read.';
  } else if (m.includes('cannot be decoded') || m.includes('cannot be read') || m.includes('corrupt')
      || m.includes('truncated')) {
    headline = 'The image is damaged or incomplete and cannot be read.';
  } else if (/\b(mb|bytes)\b/.test(m) && (m.includes('larger') || m.includes('limit') || m.includes('too large'))) {
    headline = 'The file is too large.';
  } else if (m.includes('pixel') || m.includes('megapixel') || /\d+x\d+/.test(m)) {
    headline = 'The image has too many pixels.';
  } else if (m.includes('took longer') || m.includes('timeout')) {
    headline = 'Converting this image took too long.';
  } else if (m.includes('target size') || m.includes('target_kb')) {
    headline = 'The target size cannot be reached with this format.';
  } else {
    headline = 'This image could not be converted.';
  }
  return message ? `${headline} Details: ${message}.` : headline;
}

export const NETWORK_LOST = 'The connection to the server was lost. Check your network and try again.';
export const EXPIRED = 'These results are no longer on the server (they are kept for an hour, and only for the key or address that made them).';
