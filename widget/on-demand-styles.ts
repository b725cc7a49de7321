/**
 * The stylesheet of the parts loaded on demand (progress, result actions, the larger history
 * view), adopted by the shadow root when they arrive. Custom properties come from styles.ts.
 * The build strips comments and spaces from this string, as from styles.ts.
 */
export const ON_DEMAND_STYLES = /* css */ `
.busy { border-style: solid; background: linear-gradient(105deg, var(--field) 35%, var(--soft) 50%, var(--field) 65%) 0 0 / 300% 100%; animation: shimmer 1.8s linear infinite; }
@keyframes shimmer { from { background-position: 100% 0; } }
.result, .progress, .tile { display: grid; gap: 8px; min-width: 0; }
.inline-alert, .notice, .tile-prompt, .facts { font-size: 14px; }
.frame { width: min(100%, 460px * var(--ratio)); aspect-ratio: var(--ratio); margin: 0 auto; border-radius: 16px; overflow: hidden; position: relative; background: var(--field); }
.frame { box-shadow: 0 12px 30px -16px #0008; }
.frame img, .tile img { display: block; width: 100%; height: 100%; object-fit: cover; }
.badge { position: absolute; top: 10px; inset-inline-start: 10px; padding: 4px 10px; font-size: 12px; font-weight: 600; color: #fff; background: #0a0a12c8; border-radius: 99px; }
.tile .badge { top: 4px; inset-inline-start: 4px; padding: 1px 6px; font-size: 11px; }
.notice { display: flex; align-items: center; gap: 12px; padding: 8px 12px; background: var(--field); border-radius: 10px; }
.notice:empty { position: absolute; padding: 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(148px, 1fr)); gap: 12px; margin: 0; padding: 0; list-style: none; }
.tile { width: 100%; gap: 4px; padding: 6px 6px 8px; font: inherit; color: inherit; text-align: start; background: none; border: 1px solid var(--border); border-radius: 14px; cursor: pointer; }
.tile:hover { border-color: var(--hover); }
.tile time { padding: 0 4px; }
.tile .frame { display: block; width: 100%; aspect-ratio: 1; border-radius: 10px; box-shadow: none; }
.tile-prompt { padding: 0 4px; overflow: hidden; font-weight: 500; white-space: nowrap; text-overflow: ellipsis; }
.progress { gap: 12px; }
.progress-line { font-size: 15px; font-weight: 500; }
.bar { height: 6px; overflow: hidden; background: var(--field); border-radius: 9px; }
.bar span { display: block; width: 35%; height: 100%; background: var(--accent); transition: width 0.4s; }
.indeterminate span { animation: slide 1.4s ease-in-out infinite alternate; }
@keyframes slide { from { transform: translateX(-100%); } to { transform: translateX(290%); } }
/* Right to left, the sweep starts at the right. */
[dir="rtl"] .indeterminate span { animation-name: slide-back; }
@keyframes slide-back { from { transform: translateX(100%); } to { transform: translateX(-290%); } }
.result .actions, .viewer .actions { justify-content: start; }
.viewer { width: min(92vw, 880px); max-height: 92vh; padding: 20px; }
.viewer::backdrop { background: #0009; }
.viewer[open] { display: grid; gap: 16px; }
.viewer > img { width: 100%; max-height: 60vh; object-fit: contain; border-radius: 12px; background: var(--field); }
.viewer-close { position: absolute; top: 8px; inset-inline-end: 8px; }
.viewer .icon-button { background: var(--surface); }
.viewer p { padding-inline-end: 44px; font-weight: 500; overflow-wrap: anywhere; }
.facts { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 0; color: var(--muted); }
.facts dd { margin: 0; color: var(--text); }
@media (min-width: 720px) {
  .viewer[open] { grid-template-columns: 3fr 2fr; align-items: start; }
}
`;
