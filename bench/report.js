import { kib, percent } from './targets.js';

const na = (reason) => [reason, '', '', ''];

/** Rows of `[measurement, value, reference, ratio]` for the printed table. */
export function rows(results) {
  const out = [];
  const { api, memory, bundle, page, lighthouse } = results;
  if (api?.error) out.push(['API throughput', ...na(api.error)]);
  if (api && !api.error) {
    const { bare, captcha, generate } = api;
    const latency = (run) => {
      const other = run.requests - (run.statuses['200'] ?? 0) + run.errors;
      // autocannon keeps whole milliseconds.
      const ms = (value) => (value < 1 ? '<1 ms' : `${value} ms`);
      return `${run.requestsPerSecond} req/s, p50 ${ms(run.p50Ms)}, p99 ${ms(run.p99Ms)}${other > 0 ? `, ${other} not 200` : ''}`;
    };
    out.push(['bare route (baseline)', latency(bare.run), '', '']);
    out.push(['captcha issue', latency(captcha.run), 'bare', percent(captcha.ratio)]);
    out.push(['generate (instant provider)', latency(generate.run), 'bare', percent(generate.ratio)]);
    out.push([
      '  re-encode of one 1024² image',
      `${generate.reencodeMs.toFixed(1)} ms alone: at most ${generate.reencodeCeiling.toFixed(1)} req/s on all cores`,
      'that ceiling',
      percent(generate.run.requestsPerSecond / generate.reencodeCeiling),
    ]);
  }
  out.push(memory?.error ? ['bytes per outstanding session', ...na(memory.error)] : ['bytes per outstanding session', `${Math.round(memory.bytesPerSession)} B (over ${memory.sessions} sessions)`, '', '']);
  if (bundle?.widget) {
    const { widget, preact } = bundle;
    out.push(['widget first load (widget.js + widget.mjs) min / gzip / brotli', `${kib(widget.minified)} / ${kib(widget.gzip)} / ${kib(widget.brotli)}`, `preact ${kib(preact.minified)} / ${kib(preact.gzip)} / ${kib(preact.brotli)}`, `${(widget.gzip / preact.gzip).toFixed(1)}× gzip`]);
    if (bundle.widgetComposition) {
      const parts = Object.entries(bundle.widgetComposition).filter(([, bytes]) => bytes > 0);
      out.push(['  made of (minified)', parts.map(([name, bytes]) => `${name} ${kib(bytes)}`).join(', '), '', '']);
    }
  } else {
    out.push(['widget first load', ...na(bundle?.error ?? 'n/a (not built)')]);
  }
  out.push(page?.error ? ['home page, first load', ...na(page.error)] : ['home page, first load', `${kib(page.bytes)} in ${page.resources.length} responses`, '', '']);
  out.push(lighthouse?.error ? ['Lighthouse', ...na(lighthouse.error)] : ['Lighthouse', Object.entries(lighthouse.scores).map(([k, v]) => `${k} ${v}`).join(', '), '', '']);
  return out;
}

export function table(header, body) {
  const all = [header, ...body].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}
