/// <reference lib="dom" />
import type { ReportData, ReportEvent, ReportRun, ReportSaga } from './report-data.js';

/**
 * The report's page, drawn in the browser from the run's data. It travels into the page as
 * its source text (`reportApp.toString()`), so it must use nothing from outside its own body.
 * Everything it shows from the data goes in as text (`textContent`, SVG text nodes), never
 * as markup: a replay file someone sent can name its customers `<script>` and nothing runs.
 */
export function reportApp(data: ReportData, root: HTMLElement): void {
  const SVG = 'http://www.w3.org/2000/svg';
  const LANES = ['client', 'operator', 'orchestrator', 'order', 'inventory', 'payment', 'fulfillment', 'notification', 'reconciler'];
  const GLYPH: Record<string, string> = {
    skip: '⊘',
    dropped: '✗',
    fault: '⚡',
    crash: '✖',
    restart: '↺',
    reject: '!',
    dead: '†',
    saga: '◆',
    operator: '✎',
    note: '·',
  };
  const MEANS: Record<string, string> = {
    skip: 'a duplicate its consumer recognised and skipped',
    dropped: 'a publish the broker dropped (the relay sends it again)',
    fault: 'a fault the lab injected',
    crash: 'a component lost its memory; its database stays',
    restart: 'a component came back from its database',
    reject: 'a handler crashed: its transaction rolled back and the message comes back',
    dead: 'given up on and parked for a person',
    saga: "the saga's status changed",
    operator: 'a person acted',
    note: 'a transition or an effect of its own',
  };
  const LANE_GAP = 86;
  const LABEL_CHARS = 64;
  const QUIET_TICKS = 50;
  const ROW = 24;
  const TOP = 34;
  const LEFT = 64;

  function el<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    attrs: Record<string, string> = {},
    ...children: Array<Node | string>
  ): HTMLElementTagNameMap[K] {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  }
  function svg(tag: string, attrs: Record<string, string | number> = {}, text?: string): SVGElement {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function verdict(ok: boolean, text = ok ? 'PASS' : 'FAIL'): HTMLElement {
    return el('span', { class: ok ? 'verdict pass' : 'verdict fail' }, text);
  }
  function cell(value: unknown): string {
    return value === null || value === undefined ? '—' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  function rowsTable(objects: readonly object[]): HTMLElement {
    const rows = objects as ReadonlyArray<Readonly<Record<string, unknown>>>;
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    return el(
      'table',
      { class: 'rows' },
      el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', {}, c)))),
      el('tbody', {}, ...rows.map((r) => el('tr', {}, ...columns.map((c) => el('td', {}, cell(r[c])))))),
    );
  }

  const header = el('header', {});
  const tableSection = el('section', { id: 'table' });
  const runSection = el('section', { id: 'run' });
  root.append(header, tableSection, runSection);

  header.append(
    el(
      'h1',
      {},
      data.title,
      ' ',
      data.verdict
        ? verdict(data.verdict.ok, data.verdict.text)
        : verdict(data.runs.every((r) => r.ok) && (data.table?.rows.every((r) => r.ok) ?? true)),
    ),
    el('p', { class: 'dim' }, `build ${data.build}`),
    el('p', {}, 'Run it again: ', el('code', { class: 'replay' }, data.replay)),
  );
  if (data.note) header.append(el('p', { class: 'note' }, data.note));

  if (data.table) {
    const table = data.table;
    const body = el('tbody', {});
    table.rows.forEach((row) => {
      const tr = el('tr', { class: row.ok ? 'ok' : 'bad' }, ...row.cells.map((c) => el('td', {}, c)));
      if (row.run !== null) {
        const run = row.run;
        tr.classList.add('opens');
        tr.setAttribute('data-run', String(run));
        tr.addEventListener('click', () => {
          showRun(run);
          runSection.scrollIntoView();
        });
      }
      body.append(tr);
    });
    if (table.rows.length > 40 && table.rows.some((r) => !r.ok)) {
      // Hundreds of rows (the crash matrix): the failures alone, on request.
      const only = el('input', { type: 'checkbox', id: 'only-failures' });
      only.addEventListener('change', () => {
        table.rows.forEach((row, i) => ((body.children[i] as HTMLElement).hidden = only.checked && row.ok));
      });
      tableSection.append(el('label', { class: 'only-failures' }, only, ` only the ${table.rows.filter((r) => !r.ok).length} that failed`));
    }
    tableSection.append(
      el('table', { class: 'summary' }, el('thead', {}, el('tr', {}, ...table.columns.map((c) => el('th', {}, c)))), body),
    );
  }

  function showRun(index: number): void {
    const run = data.runs[index];
    runSection.replaceChildren();
    for (const tr of Array.from(tableSection.querySelectorAll('tr[data-run]')))
      tr.classList.toggle('selected', tr.getAttribute('data-run') === String(index));
    if (!run) return;
    runSection.append(
      el('h2', {}, `${run.name} — seed ${run.seed} `, verdict(run.ok)),
      el('p', {}, run.description),
      el('p', { class: 'dim' }, `${run.ticks} ticks · digest ${run.digest.slice(0, 16)}`),
    );
    // One run alone: the header already says how to run it again.
    if (run.replay !== data.replay) runSection.append(el('p', {}, 'Run it again: ', el('code', { class: 'replay' }, run.replay)));
    runSection.append(checksOf(run));
    const sagaView = el('div', { id: 'saga' });
    runSection.append(el('h3', {}, `Sagas (${run.sagas.length})`), sagaPicker(run, sagaView), sagaView);
    const first =
      run.sagas.find((s) => !run.ok && run.checks.some((c) => !c.ok && c.explainedBy.some((i) => run.events[i]?.saga === s.id))) ??
      run.sagas[0];
    if (first) showSaga(run, first.id, sagaView, null);
  }

  function checksOf(run: ReportRun): HTMLElement {
    const list = el('ul', { class: 'checks' });
    for (const check of run.checks) {
      const item = el(
        'li',
        { class: check.ok ? 'ok' : 'bad', 'data-check': check.name },
        el('span', { class: 'mark' }, check.ok ? '✓' : '✗'),
        ' ',
        el('strong', {}, check.name),
        ' ',
        el('span', { class: 'dim' }, `protects against ${check.protects}`),
        el('div', { class: 'detail' }, check.detail),
      );
      if (!check.ok && check.explainedBy.length > 0) {
        const why = el('ol', { class: 'explained' });
        for (const i of check.explainedBy) {
          const e = run.events[i];
          if (!e) continue;
          const link = el('a', { href: '#', 'data-event': String(i) }, e.line);
          link.addEventListener('click', (ev) => {
            ev.preventDefault();
            const view = document.getElementById('saga');
            if (e.saga && view) showSaga(run, e.saga, view, i);
          });
          why.append(el('li', {}, link));
        }
        item.append(el('div', { class: 'dim' }, 'What happened to the sagas it names:'), why);
      }
      list.append(item);
    }
    return el('div', {}, el('h3', {}, 'Invariants and expectations'), list);
  }

  function sagaPicker(run: ReportRun, view: HTMLElement): HTMLElement {
    const list = el('div', { class: 'picker' });
    const buttons = run.sagas.map((s) => {
      const b = el('button', { class: `saga-button status-${s.status}`, 'data-saga': s.id }, `${s.id} · ${s.status}`);
      b.addEventListener('click', () => showSaga(run, s.id, view, null));
      return b;
    });
    list.append(...buttons);
    if (run.sagas.length <= 12) return list;
    // Hundreds of sagas: a filter over the list, not one drawing of them all.
    const filter = el('input', { type: 'search', placeholder: 'filter: saga, order or status', class: 'filter' });
    filter.addEventListener('input', () => {
      const words = filter.value.trim().toLowerCase();
      run.sagas.forEach((s, i) => {
        const shown = words === '' || `${s.id} ${s.orderId} ${s.status}`.toLowerCase().includes(words);
        buttons[i]!.hidden = !shown;
      });
    });
    return el('div', {}, filter, list);
  }

  function showSaga(run: ReportRun, sagaId: string, view: HTMLElement, selected: number | null): void {
    const saga = run.sagas.find((s) => s.id === sagaId);
    if (!saga) return;
    for (const b of Array.from(runSection.querySelectorAll('.saga-button')))
      b.classList.toggle('selected', b.getAttribute('data-saga') === sagaId);
    view.replaceChildren();
    const detail = el(
      'aside',
      { id: 'event', class: 'event-detail' },
      el('p', { class: 'dim' }, 'Click an event to see what it did and the rows it wrote.'),
    );
    view.append(
      el('h3', {}, `${saga.id} (${saga.orderId}) `, el('span', { class: `status status-${saga.status}` }, saga.status)),
      el('div', { class: 'lanes-and-detail' }, el('div', { class: 'lanes' }, lanesOf(run, saga, detail, selected)), detail),
      stepLog(saga),
      finalRows(saga),
    );
    if (selected !== null) showEvent(run, selected, detail);
  }

  /** The saga as a swimlane diagram: a column per component, a row per event, crash bands on the lanes. */
  function lanesOf(run: ReportRun, saga: ReportSaga, detail: HTMLElement, selected: number | null): SVGElement {
    const ours = run.events.map((e, i) => ({ e, i })).filter(({ e }) => e.saga === saga.id && e.mark !== null);
    const first = ours[0]?.i ?? 0;
    const last = ours[ours.length - 1]?.i ?? 0;
    const used = new Set<string>();
    for (const { e } of ours) {
      const m = e.mark!;
      if (m.kind === 'arrow') used.add(m.from).add(m.to);
      else used.add(m.lane);
    }
    // A crash or restart of a lane the saga uses, while it runs, is part of its story.
    const rows = run.events
      .map((e, i) => ({ e, i }))
      .filter(
        ({ e, i }) =>
          (e.saga === saga.id && e.mark !== null) ||
          ((e.kind === 'crash' || e.kind === 'restart') && used.has(e.actor) && i >= first && i <= last),
      );
    const lanes = LANES.filter((l) => used.has(l));
    const x = (lane: string): number => LEFT + lanes.indexOf(lane) * LANE_GAP + LANE_GAP / 2;
    // A long quiet stretch (a component down, a backoff) gets a row of its own saying how long.
    const slots: number[] = [];
    const gaps: Array<{ slot: number; ticks: number }> = [];
    let slot = 0;
    rows.forEach(({ e }, r) => {
      const gap = r > 0 ? e.tick - rows[r - 1]!.e.tick : 0;
      if (gap >= QUIET_TICKS) gaps.push({ slot: slot++, ticks: gap });
      slots.push(slot++);
    });
    const y = (row: number): number => TOP + slots[row]! * ROW + ROW / 2;
    const width = LEFT + lanes.length * LANE_GAP + LABEL_CHARS * 7.6 + 24;
    const height = TOP + slot * ROW + 10;
    const picture = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'swimlanes', role: 'img' });
    picture.append(svg('title', {}, `${saga.id}: ${rows.length} events`));
    const defs = svg('defs');
    const head = svg('marker', {
      id: 'head',
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto-start-reverse',
    });
    head.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'head' }));
    defs.append(head);
    picture.append(defs);
    for (const lane of lanes) {
      picture.append(svg('line', { class: 'lane', x1: x(lane), y1: TOP - 6, x2: x(lane), y2: height - 4 }));
      picture.append(svg('text', { class: 'lane-name', x: x(lane), y: 18, 'text-anchor': 'middle' }, lane));
    }
    /** Whether `lane` is down at row `r`: crashed at an earlier row and not restarted yet. */
    const downAt = (lane: string, r: number): boolean => {
      let down = false;
      for (let k = 0; k < r; k++) {
        const o = rows[k]!.e;
        if (o.actor === lane && o.kind === 'crash') down = true;
        if (o.actor === lane && o.kind === 'restart') down = false;
      }
      return down;
    };
    for (const gap of gaps)
      picture.append(svg('text', { class: 'gap', x: 6, y: TOP + gap.slot * ROW + ROW / 2 + 4 }, `⋮ ${gap.ticks} ticks later`));
    rows.forEach(({ e, i }, r) => {
      const g = svg('g', { class: `event kind-${e.kind}${i === selected ? ' selected' : ''}`, 'data-event': i, tabindex: 0 });
      g.append(svg('title', {}, e.line));
      g.append(svg('rect', { class: 'hit', x: 0, y: y(r) - ROW / 2, width, height: ROW }));
      g.append(svg('text', { class: 'tick', x: 6, y: y(r) + 4 }, String(e.tick)));
      const m = e.mark!;
      if (m.kind === 'arrow' && lanes.includes(m.from) && lanes.includes(m.to) && m.from !== m.to) {
        g.append(
          svg('line', {
            class: m.reply ? 'arrow reply' : 'arrow',
            x1: x(m.from),
            y1: y(r),
            x2: x(m.to),
            y2: y(r),
            'marker-end': 'url(#head)',
          }),
        );
        // Drawn when it was handled: a sender that crashed since it sent it gets a hollow dot.
        const senderDown = downAt(m.from, r);
        g.append(svg('circle', { class: senderDown ? 'dot sent-before-crash' : 'dot', cx: x(m.from), cy: y(r), r: 3 }));
      } else if (m.kind === 'mark') {
        g.append(
          svg(
            'text',
            { class: `marker marker-${m.mark}`, 'data-mark': m.mark, x: x(m.lane), y: y(r) + 5, 'text-anchor': 'middle' },
            GLYPH[m.mark] ?? '·',
          ),
        );
      }
      // One saga's picture: its id in every label would say nothing.
      const sentBefore = m.kind === 'arrow' && downAt(m.from, r) ? ` (sent before ${m.from} crashed)` : '';
      const text = m.label.split(` ${saga.id}`).join('') + sentBefore;
      const label = text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1)}…` : text;
      g.append(svg('text', { class: 'label', x: LEFT + lanes.length * LANE_GAP + 8, y: y(r) + 4 }, label));
      if (e.changes.length > 0) g.append(svg('text', { class: 'wrote', x: LEFT - 14, y: y(r) + 4, 'text-anchor': 'middle' }, '▤'));
      g.addEventListener('click', () => {
        for (const other of Array.from(picture.querySelectorAll('g.event.selected'))) other.classList.remove('selected');
        g.classList.add('selected');
        showEvent(run, i, detail);
      });
      g.addEventListener('keydown', (ev) => {
        if ((ev as KeyboardEvent).key === 'Enter') g.dispatchEvent(new MouseEvent('click'));
      });
      picture.append(g);
    });
    // Crash bands, over the rows: from a lane's crash to its restart (or the end of the picture).
    rows.forEach(({ e }, r) => {
      if (e.kind !== 'crash' || !used.has(e.actor)) return;
      const back = rows.findIndex((o, k) => k > r && o.e.kind === 'restart' && o.e.actor === e.actor);
      const end = back < 0 ? rows.length - 1 : back;
      const band = svg('rect', {
        class: 'crash-band',
        'data-lane': e.actor,
        x: x(e.actor) - 14,
        y: y(r),
        width: 28,
        height: y(end) - y(r),
      });
      band.append(svg('title', {}, `${e.actor} down from tick ${e.tick}${back < 0 ? '' : ` to tick ${rows[back]!.e.tick}`}`));
      picture.append(band);
    });
    return picture;
  }

  function showEvent(run: ReportRun, index: number, detail: HTMLElement): void {
    const e: ReportEvent | undefined = run.events[index];
    if (!e) return;
    detail.replaceChildren(el('h4', {}, `tick ${e.tick}: ${e.kind} by ${e.actor}`), el('code', { class: 'line' }, e.line));
    const m = e.mark;
    if (m && m.kind === 'mark') detail.append(el('p', {}, `${GLYPH[m.mark] ?? ''} ${MEANS[m.mark] ?? ''}`));
    if (m && m.kind === 'arrow')
      detail.append(
        el(
          'p',
          {},
          e.kind === 'publish'
            ? `${m.from}'s relay publishes a row it found in its outbox after a restart: the same message, with the same id, not a retry. Its consumer's inbox decides whether it is new.`
            : `${m.from} → ${m.to}: ${m.reply ? 'a reply' : 'a message'}, handled in one local transaction`,
        ),
      );
    if (e.changes.length === 0) {
      // A saga's change of status is written with the message it handled, one event before.
      const none =
        e.kind === 'saga'
          ? 'Its rows were written with the message handled just before, in the same transaction.'
          : 'No row of this saga changed here.';
      detail.append(el('p', { class: 'dim changes-none' }, none));
      return;
    }
    const list = el('div', { class: 'changes' });
    for (const change of e.changes) {
      const row = (change.after ?? change.before ?? {}) as Readonly<Record<string, unknown>>;
      const key = Object.values(row)[0];
      const title = el(
        'div',
        { class: `change op-${change.op}` },
        `${change.op === 'insert' ? '+' : change.op === 'delete' ? '−' : '~'} ${change.component}.${change.table} ${cell(key)}`,
      );
      if (change.shared) title.append(el('span', { class: 'dim shared' }, ' (shared: other sagas change it too)'));
      if (change.op === 'update') {
        const before = change.before ?? {};
        const after = change.after ?? {};
        const changed = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
        title.append(
          el(
            'table',
            { class: 'rows' },
            el(
              'tbody',
              {},
              ...changed.map((k) =>
                el(
                  'tr',
                  {},
                  el('th', {}, k),
                  el('td', { class: 'old' }, cell(before[k])),
                  el('td', {}, '→'),
                  el('td', { class: 'new' }, cell(after[k])),
                ),
              ),
            ),
          ),
        );
      } else title.append(columnsTable(row));
      list.append(title);
    }
    detail.append(el('p', {}, 'Rows it wrote, in the same transaction:'), list);
  }

  /** One row as a column of names and values: it fits a narrow panel. */
  function columnsTable(row: Readonly<Record<string, unknown>>): HTMLElement {
    return el(
      'table',
      { class: 'rows' },
      el('tbody', {}, ...Object.entries(row).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, cell(v))))),
    );
  }

  function stepLog(saga: ReportSaga): HTMLElement {
    const section = el('div', { class: 'step-log' }, el('h4', {}, 'Step log'));
    section.append(saga.log.length ? rowsTable(saga.log) : el('p', { class: 'dim' }, 'No step recorded.'));
    if (saga.deadLetters.length) section.append(el('h4', {}, 'Dead letters'), rowsTable(saga.deadLetters));
    return section;
  }

  function finalRows(saga: ReportSaga): HTMLElement {
    const section = el('div', { class: 'final-rows' }, el('h4', {}, 'Rows at the end'));
    for (const [component, tables] of Object.entries(saga.rows))
      for (const [table, rows] of Object.entries(tables ?? {})) section.append(el('h5', {}, `${component}.${table}`), rowsTable(rows));
    return section;
  }

  const failing = data.runs.findIndex((r) => !r.ok);
  if (data.runs.length > 0) showRun(failing >= 0 ? failing : 0);
}
