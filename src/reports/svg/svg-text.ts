const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// Inside <svg> an HTML element (the <span class="cc"> escapeHtml marks controls with) would break
// out of the picture, so controls and bidi marks are written as their code point in plain text.
const SVG_SPECIAL =
  // eslint-disable-next-line no-control-regex
  /[&<>"']|[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** Escapes text for an SVG <text>, <title> or a quoted attribute; controls become "U+202E". */
export function escapeSvgText(text: string): string {
  return text.replace(
    SVG_SPECIAL,
    (ch) =>
      XML_ESCAPES[ch] ??
      `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
}

/** A label cut to `max` characters (whole code points) with an ellipsis, for an axis. */
export function shortLabel(text: string, max = 22): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
