// The BUMBA sidebar: the target (the active notebook or file, a folder picked in the file browser, or a path
// typed in), a command picker with the chosen command's description, progress, findings by severity with
// triage, and the history of runs on the target.
// All review logic lives on the server (review.review() behind /bumba/api/); this only shows it.
import { PathExt } from '@jupyterlab/coreutils';
import { Widget } from '@lumino/widgets';

import {
  api,
  blockedBecause,
  followJob,
  IAgentInfo,
  ICommandInfo,
  IJob,
  IRun,
  IRunSummary,
  ITriage
} from './api';
import { findingDetails } from './details';
import {
  CELL_BODY,
  IFinding,
  ILocation,
  compareFindings,
  el,
  locationLabel,
  severityBadge,
  SEVERITIES,
  titleNodes
} from './model';
import { Navigator } from './navigate';
import { IMarkdown } from './richtext';
import { SourceReader } from './sources';

export interface ITarget {
  path: string; // contents path, '' for the server root
  kind: 'notebook' | 'file' | 'folder';
}

export interface ICellReview {
  path: string; // the notebook
  cellId: string | null;
  index: number; // 0-based, at the time of the request; -1 when not known
  code: string;
}

const TRIAGE_LABELS: { [state: string]: string } = { reviewed: 'Reviewed', suppressed: 'Suppressed' };
const LANES: [string, string][] = [['review', 'Review'], ['measure', 'Measure'], ['agent', 'Agent (Claude)']];

export class BumbaPanel extends Widget {
  private commands: ICommandInfo[] = [];
  private apiKey: boolean | null = null;
  private agents: IAgentInfo[] = [];
  private agent: string | null = null;
  private target: ITarget | null = null;
  private editingTarget = false;
  private tab: 'review' | 'history' = 'review';
  private job: IJob | null = null;
  private run: IRun | null = null;
  private runCell: ICellReview | null = null; // the cell a cell review was about
  private triage: ITriage = {};
  private history: IRunSummary[] = [];
  private message: { text: string; error: boolean } | null = null;
  private open = new Set<string>(); // fingerprints whose details are shown
  private closedGroups = new Set<string>(); // severities the user folded
  /** The command the picker shows: what "Run" and an argument-less "review this cell" run. */
  selected = 'scan';
  private ready: Promise<void>;

  constructor(
    private navigator: Navigator,
    private sources: SourceReader,
    private markdown: IMarkdown | null
  ) {
    super();
    this.id = 'bumba-sidebar';
    this.addClass('bumba-panel');
    this.title.caption = 'BUMBA: reviews of this notebook and its code';
    this.ready = this.load();
  }

  get catalogue(): ICommandInfo[] {
    return this.commands;
  }

  /** Why `name` cannot run here (an unknown command, a missing API key…), or null when it can. */
  blocked(name: string): string | null {
    const command = this.commands.find(c => c.name === name);
    return command ? blockedBecause(command, this.apiKey) : `unknown command ${name}`;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  private async load(): Promise<void> {
    this.draw();
    try {
      const info = await api.info();
      if (!info.store.ok) {
        this.say(`The bumba store cannot be read: ${info.store.error}. Reviews cannot run until it can.`, true);
      }
      const catalogue = await api.commands();
      this.commands = catalogue.commands;
      this.apiKey = catalogue.apiKey;
    } catch (error) {
      this.say(String((error as Error).message || error), true);
    }
    await this.loadAgents();
    this.draw();
  }

  private async loadAgents(): Promise<void> {
    try {
      const found = await api.agents(this.target ? this.target.path : '');
      this.agents = found.agents;
      if (this.agent && !this.agents.some(a => a.name === this.agent)) {
        this.agent = null;
      }
    } catch {
      this.agents = [];
    }
  }

  /** Follow a new target (the active document, or a folder); a running review keeps its own. */
  setTarget(target: ITarget | null): void {
    const changed = JSON.stringify(target) !== JSON.stringify(this.target);
    if (!changed) {
      return;
    }
    this.target = target;
    this.editingTarget = false;
    void this.loadAgents().then(() => this.draw());
    if (this.tab === 'history') {
      void this.loadHistory();
    }
    this.draw();
  }

  getTarget(): ITarget | null {
    return this.target;
  }

  private say(text: string, error = false): void {
    this.message = { text, error };
    this.draw();
  }

  /** Run `command` on the target (or on one cell's code); the findings replace what the panel shows. */
  async start(command: string, cell?: ICellReview): Promise<void> {
    await this.ready;
    if (!cell && !this.target) {
      this.say('Open a notebook or a file, or pick a folder in the file browser, to choose what to review.', true);
      return;
    }
    if (this.job && (this.job.status === 'queued' || this.job.status === 'running')) {
      this.say('A review is already running; wait for it to finish.', true);
      return;
    }
    const blocked = this.blocked(command);
    if (blocked) {
      this.say(`${command} cannot run here: ${blocked}.`, true);
      return;
    }
    this.tab = 'review';
    this.message = null;
    this.run = null;
    this.runCell = cell || null;
    this.open.clear();
    try {
      this.job = await api.start(
        cell
          ? { command, path: cell.path, code: cell.code, cell_id: cell.cellId, agent: this.agent }
          : { command, path: this.target!.path, agent: this.agent }
      );
    } catch (error) {
      this.job = null;
      this.say((error as Error).message, true);
      return;
    }
    this.draw();
    const final = await followJob(this.job, job => {
      this.job = job;
      this.draw();
    });
    this.job = final;
    if (final.status === 'failed') {
      this.say(`bumba ${command} failed: ${final.error}`, true);
      return;
    }
    if (final.run_id) {
      await this.showRun(final.run_id);
      const results = this.node.querySelector('.bumba-results');
      if (results) {
        results.scrollIntoView({ block: 'nearest' }); // only when the results are not in view already
      }
    }
  }

  async showRun(runId: string): Promise<void> {
    try {
      this.run = await api.run(runId);
      this.triage = this.run.triage;
      this.sources.clear();
      if (this.run.cell_id && (!this.runCell || this.runCell.cellId !== this.run.cell_id)) {
        this.runCell = { path: this.run.path || '', cellId: this.run.cell_id, index: -1, code: '' };
      } else if (!this.run.cell_id) {
        this.runCell = null;
      }
      this.tab = 'review';
      this.draw();
    } catch (error) {
      this.say((error as Error).message, true);
    }
  }

  private async loadHistory(): Promise<void> {
    if (!this.target) {
      this.history = [];
      this.draw();
      return;
    }
    try {
      this.history = await api.runs(this.target.path);
    } catch (error) {
      this.history = [];
      this.say((error as Error).message, true);
    }
    this.draw();
  }

  // -- drawing -----------------------------------------------------------------------------------------
  private draw(): void {
    const node = this.node;
    const scroll = node.scrollTop;
    node.textContent = '';
    node.appendChild(el('div', { class: 'bumba-title' }, el('span', { class: 'bumba-logo' }, 'BUMBA'),
      el('span', { class: 'bumba-subtitle' }, 'backend review')));
    const tabs = el('div', { class: 'bumba-tabs', role: 'tablist' });
    for (const [key, label] of [['review', 'Review'], ['history', 'History']] as const) {
      const button = el('button', {
        type: 'button', role: 'tab', class: `bumba-tab${this.tab === key ? ' bumba-tab-active' : ''}`,
        'aria-selected': String(this.tab === key), 'data-tab': key
      }, label);
      button.addEventListener('click', () => {
        this.tab = key;
        if (key === 'history') {
          void this.loadHistory();
        }
        this.draw();
      });
      tabs.appendChild(button);
    }
    node.appendChild(tabs);
    if (this.message) {
      node.appendChild(el('div', { class: `bumba-message${this.message.error ? ' bumba-error' : ''}`, role: 'status' },
        this.message.text));
    }
    node.appendChild(this.targetBox());
    if (this.tab === 'review') {
      node.appendChild(this.controls());
      node.appendChild(this.progress());
      node.appendChild(this.findings());
    } else {
      node.appendChild(this.historyView());
    }
    node.scrollTop = scroll; // a redraw (progress, triage) leaves the reader where they were
  }

  private targetBox(): HTMLElement {
    const box = el('div', { class: 'bumba-target' });
    const head = el('div', { class: 'bumba-target-head' }, el('span', { class: 'bumba-label' }, 'Target'));
    box.appendChild(head);
    if (this.target) {
      head.appendChild(el('span', { class: 'bumba-target-kind' }, this.target.kind));
    }
    const change = el('button', {
      type: 'button', class: 'bumba-small bumba-target-change', 'aria-expanded': String(this.editingTarget),
      title: 'Review another file or folder'
    }, 'change');
    change.addEventListener('click', () => {
      this.editingTarget = !this.editingTarget;
      this.draw();
      if (this.editingTarget) {
        (this.node.querySelector('.bumba-target-input') as HTMLInputElement | null)?.focus();
      }
    });
    head.appendChild(change);
    if (this.target && this.target.path) {
      const up = el('button', { type: 'button', class: 'bumba-small bumba-target-up', title: 'Review the folder that holds this instead' },
        'folder ↑');
      up.addEventListener('click', () => {
        const parent = PathExt.dirname(this.target!.path);
        this.setTarget({ path: parent === '.' ? '' : parent, kind: 'folder' });
      });
      head.appendChild(up);
    }
    if (!this.target) {
      box.appendChild(el('div', { class: 'bumba-muted' }, 'open a notebook or file, or pick a folder'));
    } else {
      const name = this.target.path || '(server root)';
      box.appendChild(el('div', { class: 'bumba-target-path', title: name, 'data-kind': this.target.kind }, name));
    }
    if (this.editingTarget) {
      box.appendChild(this.targetForm());
    }
    return box;
  }

  /** A path typed in: checked with the contents API, so a typo is said at once, not when the run fails. */
  private targetForm(): HTMLElement {
    const input = el('input', {
      type: 'text', class: 'bumba-target-input', 'aria-label': 'Path to review, from the server root',
      placeholder: 'a file or folder, e.g. src/app', value: this.target ? this.target.path : ''
    }) as HTMLInputElement;
    const form = el('form', { class: 'bumba-target-form' }, input,
      el('button', { type: 'submit', class: 'bumba-small' }, 'use'),
      el('div', { class: 'bumba-muted bumba-hint' }, 'or select a folder in the file browser'));
    form.addEventListener('submit', event => {
      event.preventDefault();
      const path = input.value.trim().replace(/^\/+|\/+$/g, '');
      void this.sources.kind(path).then(
        kind => this.setTarget({ path, kind }),
        () => this.say(`There is no file or folder "${path}" under the server root.`, true)
      );
    });
    input.addEventListener('keydown', event => {
      if (event.key === 'Escape') {
        this.editingTarget = false;
        this.draw();
      }
    });
    return form;
  }

  private controls(): HTMLElement {
    const box = el('div', { class: 'bumba-controls' });
    if (this.agents.length > 1) {
      const select = el('select', { class: 'bumba-agent', 'aria-label': 'Agent' }) as HTMLSelectElement;
      select.appendChild(el('option', { value: '' }, 'default agent'));
      for (const agent of this.agents) {
        const option = el('option', { value: agent.name, title: agent.description }, `${agent.name} (${agent.source})`);
        if (agent.name === this.agent) {
          option.setAttribute('selected', '');
        }
        select.appendChild(option);
      }
      select.addEventListener('change', () => {
        this.agent = select.value || null;
      });
      box.appendChild(el('label', { class: 'bumba-agent-row' }, el('span', { class: 'bumba-label' }, 'Agent'), select));
    } else if (this.agents.length === 1) {
      box.appendChild(el('div', { class: 'bumba-agent-row' }, el('span', { class: 'bumba-label' }, 'Agent'),
        el('span', { title: this.agents[0].description }, this.agents[0].name)));
    }

    // one compact picker instead of a button per command; the chosen one's description below it, in full
    const offered = this.commands.filter(c => c.lane !== 'meta' && (c.runnable || !c.available));
    const select = el('select', { class: 'bumba-command-select', 'aria-label': 'Command' }) as HTMLSelectElement;
    for (const [lane, label] of LANES) {
      const group = el('optgroup', { label });
      for (const command of offered.filter(c => c.lane === lane || (lane === 'review' && !LANES.some(([l]) => l === c.lane)))) {
        const blocked = blockedBecause(command, this.apiKey);
        const option = el('option', { value: command.name, title: command.summary },
          blocked ? `${command.name} — ${blocked}` : command.name) as HTMLOptionElement;
        option.disabled = !!blocked;
        option.selected = command.name === this.selected;
        group.appendChild(option);
      }
      if (group.childNodes.length) {
        select.appendChild(group);
      }
    }
    select.addEventListener('change', () => {
      this.selected = select.value;
      this.draw();
    });
    const busy = !!this.job && (this.job.status === 'queued' || this.job.status === 'running');
    const chosen = this.commands.find(c => c.name === this.selected);
    const blocked = chosen ? blockedBecause(chosen, this.apiKey) : null;
    const run = el('button', {
      type: 'button', class: 'bumba-run', 'data-command': this.selected,
      title: blocked ? `${this.selected}: ${blocked}` : `Run ${this.selected} on the target`
    }, 'Run') as HTMLButtonElement;
    run.disabled = !chosen || !!blocked || busy || !this.target;
    run.addEventListener('click', () => void this.start(this.selected));
    box.appendChild(el('div', { class: 'bumba-command-row' }, select, run));
    if (chosen) {
      box.appendChild(el('div', { class: 'bumba-command-description', 'data-command': chosen.name },
        el('div', { class: 'bumba-command-summary' }, chosen.summary),
        el('div', { class: 'bumba-command-needs' }, `Needs ${chosen.needs}.`),
        blocked ? el('div', { class: 'bumba-command-blocked' }, `Unavailable: ${blocked}.`) : null));
    }
    return box;
  }

  private progress(): HTMLElement {
    const box = el('div', { class: 'bumba-progress' });
    const job = this.job;
    if (!job || job.status === 'done' || job.status === 'failed') {
      return box;
    }
    const { done, total, current } = job.progress;
    const bar = el('progress', { max: String(Math.max(total, 1)) }) as HTMLProgressElement;
    if (total) {
      bar.value = done;
    } else {
      bar.removeAttribute('value'); // indeterminate until the first file is done
    }
    box.appendChild(el('div', { class: 'bumba-status' }, `Running ${job.command}…`,
      total ? ` ${done}/${total} files` : ''));
    box.appendChild(bar);
    if (current) {
      box.appendChild(el('div', { class: 'bumba-muted bumba-current' }, current));
    }
    return box;
  }

  /** The number of the reviewed cell: known when the review started here, else found in the open notebook. */
  private reviewedCellNumber(): number | null {
    const cell = this.runCell;
    if (!cell) {
      return null;
    }
    return this.sources.cellNumber(cell.path, cell.cellId) ?? (cell.index >= 0 ? cell.index + 1 : null);
  }

  /** Where a finding is, as the reader of this run wants it: "cell 6, line 2", "app/db.py:12". */
  private where(finding: IFinding, run: IRun): string {
    if (this.runCell) {
      return locationLabel({ ...finding.location, path: CELL_BODY }, { cellNumber: this.reviewedCellNumber() });
    }
    const path = finding.location.path && run.contents_root !== null
      ? PathExt.join(run.contents_root, finding.location.path)
      : null;
    return locationLabel(finding.location, { omitPath: !!path && path === run.path });
  }

  private findings(): HTMLElement {
    const box = el('div', { class: 'bumba-results' });
    const run = this.run;
    if (!run) {
      return box;
    }
    const report = run.report;
    const findings = [...report.findings].sort(compareFindings);
    const counts = el('span', { class: 'bumba-counts' });
    for (const severity of SEVERITIES) {
      const count = report.summary.by_severity[severity] || 0;
      if (count) {
        counts.appendChild(severityBadge(severity, `${count} ${severity}`));
      }
    }
    const comparison = report.comparison
      ? ` · ${report.comparison.new.length} new, ${report.comparison.fixed ?? 0} fixed since the last run`
      : '';
    const took = ` · ${(report.run.duration_s ?? 0).toFixed(2)} s`;
    const cellNumber = this.reviewedCellNumber();
    const on = this.runCell
      ? `${cellNumber ? `cell ${cellNumber}` : 'a cell'} of ${this.runCell.path || 'the notebook'}`
      : run.path ?? report.run.target;
    box.appendChild(el('div', { class: 'bumba-summary', 'data-total': String(findings.length) },
      el('strong', { class: 'bumba-summary-head' },
        `${report.run.command}: ${findings.length} finding${findings.length === 1 ? '' : 's'}`),
      el('div', { class: 'bumba-muted bumba-summary-target' }, `on ${on}`,
        el('span', { class: 'bumba-summary-run' }, `${took}${comparison}`)),
      counts.childNodes.length ? el('div', {}, counts) : null,
      report.summary.gate ? el('div', { class: `bumba-gate bumba-gate-${report.summary.gate}` }, `gate ${report.summary.gate}`) : null));
    if (!findings.length) {
      box.appendChild(el('p', { class: 'bumba-muted' }, 'No findings.'));
    }
    for (const severity of SEVERITIES) {
      const group = findings.filter(f => f.severity === severity);
      if (!group.length) {
        continue;
      }
      const section = el('details', {
        class: 'bumba-group', 'data-severity': severity, ...(this.closedGroups.has(severity) ? {} : { open: '' })
      }, el('summary', {}, severityBadge(severity), el('span', { class: 'bumba-group-count' }, String(group.length))));
      section.addEventListener('toggle', () => {
        if ((section as HTMLDetailsElement).open) {
          this.closedGroups.delete(severity);
        } else {
          this.closedGroups.add(severity);
        }
      });
      for (const finding of group) {
        section.appendChild(this.findingRow(finding, run));
      }
      box.appendChild(section);
    }
    if (report.notes && report.notes.length) {
      box.appendChild(el('details', { class: 'bumba-notes' }, el('summary', {}, `Notes (${report.notes.length})`),
        el('ul', {}, ...report.notes.map(note => el('li', {}, note)))));
    }
    return box;
  }

  private findingRow(finding: IFinding, run: IRun): HTMLElement {
    const fingerprint = finding.fingerprint || '';
    const state = this.triage[fingerprint]?.state || 'open';
    const row = el('div', {
      class: `bumba-finding bumba-sev-edge-${finding.severity} bumba-triage-${state}`, 'data-rule': finding.rule,
      'data-fingerprint': fingerprint
    });
    const where = this.where(finding, run);
    const link = el('button', { type: 'button', class: 'bumba-finding-link', title: `Go to ${where}` },
      el('span', { class: 'bumba-rule' }, finding.rule), el('span', { class: 'bumba-finding-title' }, ...titleNodes(finding.title)),
      el('span', { class: 'bumba-where' }, where));
    link.addEventListener('click', () => void this.goto(finding, run));
    const more = el('button', { type: 'button', class: 'bumba-small bumba-more', 'aria-expanded': String(this.open.has(fingerprint)) },
      this.open.has(fingerprint) ? 'less' : 'more');
    more.addEventListener('click', () => {
      if (this.open.has(fingerprint)) {
        this.open.delete(fingerprint);
      } else {
        this.open.add(fingerprint);
      }
      this.draw();
    });
    const actions = el('div', { class: 'bumba-actions' }, more);
    if (state !== 'open') {
      actions.appendChild(el('span', { class: 'bumba-triage-state' }, TRIAGE_LABELS[state] || state));
    }
    for (const [next, label] of [['reviewed', 'reviewed'], ['suppressed', 'suppress'], ['open', 'reopen']]) {
      if (next === state || (next === 'open' && state === 'open')) {
        continue;
      }
      const button = el('button', { type: 'button', class: 'bumba-small bumba-triage', 'data-state': next }, label);
      button.addEventListener('click', () => void this.setTriage(run, fingerprint, next));
      actions.appendChild(button);
    }
    row.appendChild(link);
    row.appendChild(actions);
    if (this.open.has(fingerprint)) {
      row.appendChild(findingDetails(finding, {
        markdown: this.markdown, where, goto: () => void this.goto(finding, run), source: this.sourceOf(finding, run),
        gotoLocation: location => void this.gotoLocation(location, run)
      }));
    }
    return row;
  }

  /** The current text of the cell or file the finding is in, for the lines around it. */
  private sourceOf(finding: IFinding, run: IRun): Promise<string | null> | null {
    const location = finding.location;
    if (!location.line) {
      return null;
    }
    if (this.runCell) {
      const cell = this.runCell;
      return cell.code ? Promise.resolve(cell.code) : this.sources.text(cell.path, { cellId: cell.cellId });
    }
    if (run.contents_root === null || run.contents_root === undefined || !location.path) {
      return null;
    }
    const path = PathExt.join(run.contents_root, location.path);
    return location.cell ? this.sources.text(path, { cellId: location.cell_id, cell: location.cell }) : this.sources.text(path);
  }

  private async setTriage(run: IRun, fingerprint: string, state: string): Promise<void> {
    const runId = run.report.run.id;
    if (!runId || !fingerprint) {
      return;
    }
    try {
      this.triage = await api.triage(runId, fingerprint, state);
      this.draw();
    } catch (error) {
      this.say((error as Error).message, true);
    }
  }

  private async goto(finding: IFinding, run: IRun): Promise<void> {
    await this.gotoLocation(finding.location, run);
  }

  /** Open the file or cell at a location of this run: a finding's, or a step of its dataflow path. */
  private async gotoLocation(location: ILocation, run: IRun): Promise<void> {
    try {
      if (this.runCell) {
        await this.navigator.open(this.runCell.path, {
          cellId: this.runCell.cellId, cell: this.runCell.index >= 0 ? this.runCell.index + 1 : null,
          line: location.line, column: location.column
        });
        return;
      }
      if (run.contents_root === null || run.contents_root === undefined) {
        throw new Error('this run reviewed files outside the Jupyter server root');
      }
      const path = location.path ? PathExt.join(run.contents_root, location.path) : run.path;
      if (!path) {
        throw new Error('this finding has no file');
      }
      await this.navigator.open(path, {
        cellId: location.cell_id, cell: location.cell, line: location.line, column: location.column
      });
    } catch (error) {
      this.say(`Cannot go to ${locationLabel(location)}: ${(error as Error).message}`, true);
    }
  }

  private historyView(): HTMLElement {
    const box = el('div', { class: 'bumba-history' });
    if (!this.target) {
      return box;
    }
    if (!this.history.length) {
      box.appendChild(el('p', { class: 'bumba-muted' }, 'No stored runs on this target yet.'));
      return box;
    }
    const totals = [...this.history].reverse().map(r => r.total); // oldest first
    box.appendChild(el('div', { class: 'bumba-trend-row' }, el('span', { class: 'bumba-label' }, 'Findings per run'),
      sparkline(totals)));
    const table = el('table', { class: 'bumba-history-table' },
      el('thead', {}, el('tr', {},
        el('th', { class: 'bumba-history-when' }, 'When'), el('th', { class: 'bumba-history-command' }, 'Command'), el('th', { title: 'findings', class: 'bumba-num' }, 'All'),
        el('th', { title: 'critical and high findings', class: 'bumba-num' }, 'High+'))));
    const body = el('tbody', {});
    for (const run of this.history) {
      const severities = run.summary.by_severity || {};
      const high = (severities.critical || 0) + (severities.high || 0);
      const gate = run.summary.gate ? ` · gate ${run.summary.gate}` : '';
      const row = el('tr', {
        class: `bumba-history-run${run.summary.gate ? ` bumba-gate-${run.summary.gate}` : ''}`, 'data-run': run.id,
        tabindex: '0', title: `Show this run (${run.started}${gate})`
      }, el('td', { class: 'bumba-history-when' }, formatWhen(run.started)), el('td', { class: 'bumba-history-command' }, run.command),
      el('td', { class: 'bumba-num' }, String(run.total)), el('td', { class: 'bumba-num' }, String(high)));
      row.addEventListener('click', () => void this.showRun(run.id));
      row.addEventListener('keydown', event => {
        if (event.key === 'Enter') {
          void this.showRun(run.id);
        }
      });
      body.appendChild(row);
    }
    table.appendChild(body);
    box.appendChild(table);
    return box;
  }
}

/** "11-29 15:10" in local time: short enough for the sidebar; the full time is in the row's tooltip. */
function formatWhen(started: string): string {
  const date = new Date(started);
  if (isNaN(date.getTime())) {
    return started;
  }
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** A small SVG line of the totals, oldest to newest; drawn with DOM calls, so no markup is parsed. */
export function sparkline(values: number[], width = 160, height = 28): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'bumba-sparkline');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `findings per run, oldest to newest: ${values.join(', ')}`);
  const max = Math.max(...values, 1);
  const step = values.length > 1 ? (width - 6) / (values.length - 1) : 0;
  const points = values.map((value, i) => [3 + i * step, height - 3 - (value / max) * (height - 6)]);
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', points.map(p => p.join(',')).join(' '));
  line.setAttribute('fill', 'none');
  svg.appendChild(line);
  const [x, y] = points[points.length - 1] || [3, height - 3];
  const dot = document.createElementNS(ns, 'circle');
  dot.setAttribute('cx', String(x));
  dot.setAttribute('cy', String(y));
  dot.setAttribute('r', '2.5');
  svg.appendChild(dot);
  return svg;
}
