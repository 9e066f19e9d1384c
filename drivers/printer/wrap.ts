// Word wrapping by columns on paper, where a combining mark takes none.
import { visualLength } from './cp1258.js';

/** Splits text into lines of at most `columns` letters; a word longer than a line is broken. */
export function wrapText(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/).filter(Boolean)) {
    let rest = word;
    while (visualLength(rest) > columns) {
      if (line) lines.push(line);
      line = '';
      const cut = cutAt(rest, columns);
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    if (!line) line = rest;
    else if (visualLength(line) + 1 + visualLength(rest) <= columns) line += ' ' + rest;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** The string index after `columns` letters, keeping each letter's marks with it. */
function cutAt(text: string, columns: number): number {
  let letters = 0;
  let i = 0;
  for (const ch of text) {
    if (!/\p{M}/u.test(ch)) {
      if (letters === columns) return i;
      letters++;
    }
    i += ch.length;
  }
  return i;
}
