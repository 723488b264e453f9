// What every XML part of a workbook goes through before it is parsed, and how its elements are named.

/**
 * A part's XML as text, decoded across chunk boundaries. exceljs's streaming reader decodes each
 * chunk on its own (utils/browser-buffer-decode.js), so a character whose bytes straddle two chunks
 * became U+FFFD: in a Japanese workbook, a few cells in every few thousand rows. Handed strings, it
 * parses them as they are. Bytes that are not UTF-8 fail the part; Excel writes only UTF-8.
 */
export async function* xmlText(part: AsyncIterable<Buffer>, name: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of part) {
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield text;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_ENCODING_INVALID_ENCODED_DATA') throw err;
    throw new Error(`part ${name} is not valid UTF-8`, { cause: err });
  }
}

/** An element's name without its namespace prefix: x:si → si. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}
