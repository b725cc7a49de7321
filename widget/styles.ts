/**
 * The widget's only stylesheet, adopted by its shadow root. Hosts restyle it through the
 * `--imageka-*` custom properties and the `::part()` names; nothing here reaches the host page.
 * The build strips comments and spaces from this string.
 */
export const STYLES = /* css */ `
:host { display: block; }
/* The size container is inside: a host rule such as display: inline cannot collapse it. */
.shell { display: block; container-type: inline-size; }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
p, h2, h3, figure, fieldset, legend { margin: 0; padding: 0; border: 0; min-width: 0; }

.root, .viewer { color: var(--text); background: var(--surface); border: 1px solid var(--border); }
.root {
  --accent: var(--imageka-accent, #5438f0);
  --on-accent: var(--imageka-on-accent, #fff);
  --surface: var(--imageka-surface, #fff);
  --field: var(--imageka-field, #f4f5f9);
  --text: var(--imageka-text, #14151c);
  --muted: var(--imageka-muted, #595e6f);
  --border: var(--imageka-border, #e0e2ea);
  --danger: var(--imageka-danger, #be2338);
  --soft: color-mix(in srgb, var(--accent) 12%, var(--surface));
  --hover: color-mix(in srgb, var(--accent) 45%, var(--border));
  color-scheme: light;
  display: grid;
  gap: 20px;
  padding: 24px;
  border-radius: var(--imageka-radius, 20px);
  box-shadow: 0 16px 40px -22px #0004;
  font: 16px/1.5 var(--imageka-font, "Inter Variable", Inter, system-ui, sans-serif);
}
[data-theme="dark"] {
  --accent: var(--imageka-accent, #a899ff);
  --on-accent: var(--imageka-on-accent, #120e2c);
  --surface: var(--imageka-surface, #15161d);
  --field: var(--imageka-field, #1e2029);
  --text: var(--imageka-text, #ecedf4);
  --muted: var(--imageka-muted, #a4a9ba);
  --border: var(--imageka-border, #2e3140);
  --danger: var(--imageka-danger, #ff8a97);
  color-scheme: dark;
}
@container (max-width: 480px) {
  .root { padding: 16px; gap: 16px; }
  .root .form { gap: 14px; }
  .root .label { margin-bottom: 6px; }
}
@container (min-width: 760px) {
  .columns { grid-template-columns: 1fr 1fr; gap: 32px; align-items: start; }
}

.header, .field-foot, .progress-line, .gallery-head, .captcha-row, .actions {
  display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px;
}
.header { align-items: flex-start; }
.title { font-size: 21px; letter-spacing: -0.015em; }
.columns, .form, .stack, .output, .more-body, .problem, .gallery { display: grid; gap: 8px; min-width: 0; }
.columns { gap: 24px; }
.form { gap: 18px; container-type: inline-size; }
.output { gap: 12px; align-content: start; }
.label { display: block; margin-bottom: 8px; font-size: 15px; font-weight: 600; }
.stack .label { margin: 0; }
.small, .hint, .field-foot, .chip { font-size: 14px; }
.muted, .hint, .counter { color: var(--muted); }
.counter { margin-inline-start: auto; font-variant-numeric: tabular-nums; }
.near, .field-error, .inline-alert { color: var(--danger); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
/* Icons that point somewhere point the other way right to left. */
[dir="rtl"] .flip { transform: scaleX(-1); }
.icon { width: 18px; height: 18px; flex: none; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
:focus-visible, input:focus-visible + span { outline: 2px solid var(--accent); outline-offset: 2px; }
h3 { font-size: 15px; outline: none; }

.field, .button, .segment > span { transition: 0.15s; transition-property: background, border-color, color; }
.field { width: 100%; padding: 10px 12px; font: inherit; color: inherit; background: var(--field); border: 1px solid var(--border); border-radius: 12px; }
.field::placeholder { color: var(--muted); }
.field:hover { border-color: var(--hover); }
.field:focus { outline: 2px solid var(--accent); outline-offset: -1px; background: var(--surface); }
[aria-invalid="true"] { border-color: var(--danger); }
textarea { resize: vertical; }
#prompt { min-height: 72px; }
/* One row that scrolls sideways when narrow, so start points never push the form down. */
.starters { display: flex; align-items: center; gap: 6px; overflow-x: auto; white-space: nowrap; }
.chip { flex: none; min-height: 32px; padding: 4px 12px; font: inherit; font-size: 14px; color: var(--text); background: var(--field); border: 1px solid var(--border); border-radius: 99px; cursor: pointer; }
.chip:hover { border-color: var(--hover); }

.segments { display: flex; flex-wrap: wrap; gap: 8px; }
.segment { position: relative; display: flex; }
.segment input { position: absolute; inset: 0; margin: 0; opacity: 0; }
.segment > span { display: flex; align-items: center; justify-content: center; gap: 8px; width: 100%; min-height: 40px; padding: 6px 12px; font-size: 15px; border: 1px solid var(--border); border-radius: 99px; }
/* Five ratios in one row, or three and two: never one left alone on a line. */
[part="ratio"] .segments { display: grid; grid-template-columns: repeat(5, 1fr); gap: 6px; }
/* The ratio above its name: five fit in a row down to a phone's width. */
[part="ratio"] .segment > span { flex-direction: column; gap: 0; padding: 4px 2px; line-height: 1.2; border-radius: 14px; }
[part="ratio"] small { font-size: 12px; color: var(--muted); }
@container (max-width: 300px) {
  [part="ratio"] .segments { grid-template-columns: repeat(6, 1fr); }
  [part="ratio"] .segment { grid-column: span 2; }
  [part="ratio"] .segment:nth-child(n + 4) { grid-column: span 3; }
}
.segment:hover > span { border-color: var(--hover); }
.segment :checked + span { color: var(--accent); font-weight: 600; background: var(--soft); border-color: var(--accent); }
.compact .segments { gap: 2px; padding: 3px; background: var(--field); border: 1px solid var(--border); border-radius: 99px; }
.compact .segment > span { min-height: 34px; padding: 7px; border: 0; color: var(--muted); }
.compact .segment :checked + span { color: var(--text); background: var(--surface); box-shadow: 0 1px 3px #0003; }

.more { border: 1px solid var(--border); border-radius: 14px; }
summary { display: flex; justify-content: space-between; padding: 11px 14px; font-size: 15px; font-weight: 600; list-style: none; cursor: pointer; border-radius: 14px; }
summary::-webkit-details-marker { display: none; }
summary::after { content: "+"; color: var(--muted); }
[open] summary::after { content: "−"; }
.more-body { gap: 16px; padding: 2px 14px 16px; }

.captcha-row { flex-wrap: nowrap; align-items: stretch; justify-content: start; margin-bottom: 8px; }
.captcha-image { flex: 0 1 auto; min-width: 0; height: 70px; aspect-ratio: var(--ratio, 3); display: grid; place-items: center; color: var(--muted); background: var(--field); border: 1px solid var(--border); border-radius: 12px; overflow: hidden; }
.captcha-image img { width: 100%; height: 100%; background: #fff; }
.captcha-image span { padding: 0 8px; text-align: center; }
.captcha-row .button { min-height: 70px; }
#answer { font-weight: 600; letter-spacing: 0.18em; text-transform: uppercase; }
.captcha .hint { margin-top: 6px; }

.button { display: inline-flex; align-items: center; justify-content: center; gap: 8px; min-height: 40px; padding: 8px 14px; font: inherit; font-size: 15px; font-weight: 600; line-height: 1.2; white-space: nowrap; text-decoration: none; color: var(--text); background: var(--surface); border: 1px solid var(--border); border-radius: 12px; cursor: pointer; }
.button:hover { background: var(--field); border-color: var(--hover); }
[aria-disabled="true"], :disabled { opacity: 0.55; cursor: not-allowed; }
.icon-button { width: 40px; padding: 0; }
.primary { color: var(--on-accent); background: var(--accent); border-color: var(--accent); }
.primary:hover { background: color-mix(in srgb, var(--accent) 85%, var(--text)); }
.large { width: 100%; min-height: 50px; font-size: 17px; border-radius: 14px; box-shadow: 0 8px 20px -10px var(--accent); }
.soft { color: var(--accent); background: var(--soft); border-color: var(--soft); }
.ghost { color: var(--muted); background: none; border-color: transparent; }
.submit { display: grid; gap: 8px; text-align: center; }

.stage { width: min(100%, 460px * var(--ratio)); aspect-ratio: var(--ratio); margin: 0 auto; border-radius: 16px; overflow: hidden; position: relative; background: var(--field); }
.stage { display: grid; place-items: center; padding: 16px; text-align: center; color: var(--muted); border: 1.5px dashed var(--border); }
.progress .button, .problem .button { justify-self: start; }
.problem { padding: 14px 16px; font-weight: 500; background: color-mix(in srgb, var(--danger) 9%, var(--surface)); border: 1px solid color-mix(in srgb, var(--danger) 45%, var(--surface)); border-radius: 14px; }
.countdown { font-weight: 700; font-variant-numeric: tabular-nums; }

.gallery { gap: 14px; padding-top: 22px; border-top: 1px solid var(--border); }
.gallery-head { align-items: flex-start; }
.gallery h3 { font-size: 16px; }


/* Stacked on a phone, an empty frame need not fill the screen. */
@container (max-width: 480px) {
  .placeholder { width: min(100%, 200px * var(--ratio)); }
}
/* On touch screens every target is at least 44 × 44 px (WCAG 2.5.5), and there is no keyboard shortcut to show. */
@media (pointer: coarse) {
  .button, .chip, .segment > span, .compact .segment > span, summary { min-height: 44px; min-width: 44px; }
  .icon-button { width: 44px; }
  .kbd { display: none; }
}
@media (prefers-reduced-motion: reduce) {
  * { animation: none !important; transition: none !important; }
}
`;
