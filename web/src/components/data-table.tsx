import type { QueryAnswer } from '../api/types.js';

const SHOWN = 1000;

/** Query rows as a table; long results show their first 1000 rows (the chart and CSV use all). */
export function DataTable({ result }: { result: QueryAnswer }) {
  const rows = result.rows.slice(0, SHOWN);
  return (
    <div class="table-scroll" tabIndex={0} aria-label="Query results">
      <table class="table data">
        <thead>
          <tr>
            {result.columns.map((c) => (
              <th scope="col" key={c.name} title={c.type}>
                {c.name}
                <span class="muted small"> {c.type}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((v, j) => (
                <td class={typeof v === 'number' ? 'num' : ''} key={j}>
                  {cell(v)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {result.rows.length > SHOWN && <p class="muted small">Showing the first {SHOWN.toLocaleString()} of {result.rows.length.toLocaleString()} rows; the chart and the CSV export use them all.</p>}
    </div>
  );
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
