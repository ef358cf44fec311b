/** The report's look: plain, readable on screen and on paper, a colour for each kind of marker. */
export const REPORT_STYLE = `
:root { --fg: #1d2330; --dim: #6b7280; --ok: #15803d; --bad: #b91c1c; --warn: #b45309; --line: #d1d5db; --msg: #0e7490; --reply: #1d4ed8; --pick: #fef3c7; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: var(--fg); margin: 0 auto; padding: 16px 24px 48px; max-width: 1500px; }
h1 { font-size: 22px; margin: 4px 0; } h2 { font-size: 19px; margin: 24px 0 4px; } h3 { font-size: 16px; margin: 18px 0 6px; } h4 { margin: 12px 0 4px; } h5 { margin: 8px 0 2px; font-size: 13px; }
code { font: 12.5px/1.4 ui-monospace, 'DejaVu Sans Mono', monospace; background: #f3f4f6; padding: 1px 4px; border-radius: 3px; word-break: break-all; }
.dim { color: var(--dim); }
.note { background: var(--pick); padding: 6px 10px; border-radius: 4px; }
.verdict { font-size: 12px; font-weight: 700; padding: 2px 8px; border-radius: 10px; color: #fff; vertical-align: middle; }
.verdict.pass { background: var(--ok); } .verdict.fail { background: var(--bad); }
table { border-collapse: collapse; }
table.summary td, table.summary th, table.rows td, table.rows th { border: 1px solid var(--line); padding: 2px 8px; text-align: left; vertical-align: top; }
table.rows { font: 12px/1.35 ui-monospace, 'DejaVu Sans Mono', monospace; margin: 2px 0 6px; }
table.summary tr.bad td { color: var(--bad); }
table.summary tr.opens { cursor: pointer; } table.summary tr.opens:hover, table.summary tr.selected { background: var(--pick); }
ul.checks { list-style: none; padding: 0; margin: 0; }
ul.checks li { padding: 3px 0; } ul.checks li .mark { font-weight: 700; }
ul.checks li.ok .mark { color: var(--ok); } ul.checks li.bad .mark, ul.checks li.bad strong { color: var(--bad); }
ul.checks li .detail { margin-left: 18px; font-size: 13px; } ul.checks li.ok .detail { color: var(--dim); }
ol.explained { font: 12px/1.5 ui-monospace, monospace; margin: 2px 0 8px; }
.picker { display: flex; flex-wrap: wrap; gap: 4px; margin: 6px 0; max-height: 180px; overflow: auto; }
.saga-button { font: 12px ui-monospace, monospace; border: 1px solid var(--line); background: #fff; border-radius: 4px; padding: 2px 6px; cursor: pointer; }
.saga-button.selected { background: var(--pick); border-color: var(--warn); }
.status-COMPLETED { color: var(--ok); } .status-COMPENSATED { color: var(--warn); } .status-FAILED, .status-ESCALATED { color: var(--bad); }
.filter { font: inherit; padding: 3px 6px; width: 320px; }
.lanes-and-detail { display: flex; gap: 16px; align-items: flex-start; }
.lanes { overflow-x: auto; flex: 1 1 auto; border: 1px solid var(--line); border-radius: 4px; }
.event-detail { flex: 0 0 340px; position: sticky; top: 8px; border: 1px solid var(--line); border-radius: 4px; padding: 8px 12px; max-height: 90vh; overflow: auto; }
.event-detail .line { display: block; white-space: pre-wrap; }
.change { margin: 6px 0; font-weight: 600; } .op-insert { color: var(--ok); } .op-delete { color: var(--bad); } .op-update { color: var(--reply); }
td.old { color: var(--bad); text-decoration: line-through; } td.new { color: var(--ok); }
svg.swimlanes { display: block; font: 12px ui-monospace, 'DejaVu Sans Mono', monospace; }
svg .lane { stroke: var(--line); stroke-width: 2; } svg .lane-name { font-weight: 700; font-size: 11.5px; fill: var(--fg); }
svg .crash-band { fill: var(--bad); opacity: 0.16; pointer-events: none; }
svg .arrow { stroke: var(--msg); stroke-width: 1.6; } svg .arrow.reply { stroke: var(--reply); stroke-dasharray: 5 3; }
svg .head { fill: var(--fg); } svg .dot { fill: var(--fg); } svg .dot.sent-before-crash { fill: #fff; stroke: var(--bad); stroke-width: 1.5; }
svg .tick, svg .gap { fill: var(--dim); } svg .gap { font-style: italic; } svg .label { fill: var(--fg); } svg .wrote { fill: var(--dim); }
svg .marker { font-size: 15px; } svg .marker-fault, svg .marker-skip, svg .marker-dropped { fill: var(--warn); }
svg .marker-crash, svg .marker-reject, svg .marker-dead { fill: var(--bad); } svg .marker-restart { fill: var(--ok); } svg .marker-operator { fill: #a21caf; }
svg g.event { cursor: pointer; } svg .hit { fill: transparent; } svg g.event:hover .hit { fill: #f3f4f6; } svg g.event.selected .hit { fill: var(--pick); }
.event-detail table.rows { display: block; overflow-x: auto; }
/* Narrower than a diagram and a panel side by side: the panel on top, staying in view while the diagram scrolls under it. */
@media (max-width: 1499px) { .lanes-and-detail { flex-direction: column-reverse; align-items: stretch; } .event-detail { top: 0; width: 100%; flex: 0 0 auto; max-height: 38vh; background: #fff; z-index: 1; box-shadow: 0 2px 6px rgba(0,0,0,.12); } }
@media print { .event-detail { position: static; } }
`;
