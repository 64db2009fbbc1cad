/**
 * The fields of one CSV line (RFC 4180 quoting: a field in double quotes may hold commas and doubled
 * quotes ""). Returns a problem instead when the line ends inside a quoted field or a quote is followed
 * by something other than a comma; a quoted field spanning lines is not supported (lines are read one at a time).
 */
export function csvFields(line: string): { fields: string[] } | { problem: string } {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) return { problem: 'a quoted field is not closed on this line (fields spanning lines are not supported)' };
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      fields.push(value);
      if (i === line.length) return { fields };
      if (line[i] !== ',') return { problem: `a closing quote is followed by ${JSON.stringify(line[i])} instead of a comma` };
      i++;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0) {
        fields.push(line.slice(i));
        return { fields };
      }
      fields.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}
