// The renderer for application/vnd.bumba.findings+json: a sortable findings table that shows in saved and
// papermill-executed notebooks without a kernel. It is marked safe so it renders in untrusted notebooks,
// which is why it builds every node with textContent (model.ts: el) and parses no HTML itself: a finding's
// Markdown goes through JupyterLab's Markdown parser and sanitizer as untrusted text (richtext.ts).
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';

import { findingDetails } from './details';
import {
  GOTO_EVENT,
  IFinding,
  IGotoRequest,
  ILocation,
  IReport,
  compareFindings,
  el,
  locationLabel,
  severityBadge,
  severityRank,
  SEVERITIES,
  titleNodes
} from './model';
import { IMarkdown } from './richtext';

export const FINDINGS_MIME = 'application/vnd.bumba.findings+json';

type Column = {
  key: string;
  label: string;
  value: (finding: IFinding) => string;
  compare: (a: IFinding, b: IFinding) => number;
};

const text = (value: unknown): string => (typeof value === 'string' ? value : value == null ? '' : String(value));

const COLUMNS: Column[] = [
  {
    key: 'severity',
    label: 'Severity',
    value: f => text(f.severity),
    compare: (a, b) => severityRank(a.severity) - severityRank(b.severity) || compareFindings(a, b)
  },
  {
    key: 'rule',
    label: 'Rule',
    value: f => text(f.rule),
    compare: (a, b) => text(a.rule).localeCompare(text(b.rule)) || compareFindings(a, b)
  },
  {
    key: 'location',
    label: 'Location',
    value: f => locationLabel(f.location || {}),
    compare: (a, b) =>
      text(a.location?.path).localeCompare(text(b.location?.path)) ||
      (a.location?.cell || 0) - (b.location?.cell || 0) ||
      (a.location?.line || 0) - (b.location?.line || 0) ||
      compareFindings(a, b)
  },
  {
    key: 'title',
    label: 'Finding',
    value: f => text(f.title),
    compare: (a, b) => text(a.title).localeCompare(text(b.title)) || compareFindings(a, b)
  },
  {
    key: 'category',
    label: 'Category',
    value: f => text(f.category),
    compare: (a, b) => text(a.category).localeCompare(text(b.category)) || compareFindings(a, b)
  }
];

/** Only what the table reads is checked; anything else in the payload is ignored. */
function asReport(data: unknown): IReport | null {
  if (!data || typeof data !== 'object') {
    return null;
  }
  const report = data as IReport;
  if (!Array.isArray(report.findings) || !report.run || typeof report.run !== 'object') {
    return null;
  }
  report.findings = report.findings.filter(
    f => f && typeof f === 'object' && typeof f.rule === 'string' && typeof f.title === 'string'
  );
  for (const finding of report.findings) {
    finding.location = finding.location && typeof finding.location === 'object' ? finding.location : {};
  }
  return report;
}

export class FindingsRenderer extends Widget implements IRenderMime.IRenderer {
  private _report: IReport | null = null;
  private _sortKey = 'severity';
  private _descending = false;
  private _open = new Set<number>();
  private _markdown: IMarkdown | null;

  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.addClass('bumba-findings-output');
    this._markdown = options.markdownParser ? { parser: options.markdownParser, sanitizer: options.sanitizer } : null;
  }

  /** Ask the plugin to go to the finding (it knows the notebook around this output and the server root). */
  private _goto(finding: IFinding): void {
    this._gotoLocation(finding.location);
  }

  private _gotoLocation(location: ILocation): void {
    const detail: IGotoRequest = { location, root: this._report?.run.root ?? null };
    this.node.dispatchEvent(new CustomEvent(GOTO_EVENT, { bubbles: true, detail }));
  }

  private _locationLink(finding: IFinding): HTMLElement {
    const where = locationLabel(finding.location);
    const link = el('a', { href: '#', class: 'bumba-location-link', title: `Go to ${where}` }, where);
    link.addEventListener('click', event => {
      event.preventDefault();
      event.stopPropagation(); // not a click on the row, which opens the details
      this._goto(finding);
    });
    return link;
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this._report = asReport(model.data[FINDINGS_MIME]);
    this._open.clear();
    this._draw();
    return Promise.resolve();
  }

  private _draw(): void {
    const node = this.node;
    node.textContent = '';
    const report = this._report;
    if (!report) {
      node.appendChild(el('div', { class: 'bumba-empty' }, 'This output is not a bumba findings report.'));
      return;
    }
    node.appendChild(this._header(report));
    if (!report.findings.length) {
      node.appendChild(el('p', { class: 'bumba-empty' }, 'No findings.'));
    } else {
      node.appendChild(this._table(report.findings));
    }
    const notes = Array.isArray(report.notes) ? report.notes.filter(n => typeof n === 'string') : [];
    if (notes.length) {
      node.appendChild(
        el('details', { class: 'bumba-notes' }, el('summary', {}, `Notes (${notes.length})`),
          el('ul', {}, ...notes.map(note => el('li', {}, note))))
      );
    }
  }

  private _header(report: IReport): HTMLElement {
    const run = report.run;
    const total = report.findings.length;
    const counts = el('span', { class: 'bumba-counts' });
    for (const severity of SEVERITIES) {
      const count = report.findings.filter(f => f.severity === severity).length;
      if (count) {
        counts.appendChild(severityBadge(severity, `${count} ${severity}`));
      }
    }
    const gate = report.summary && report.summary.gate;
    return el(
      'div',
      { class: 'bumba-report-header' },
      el('strong', {}, `bumba ${text(run.command)}`),
      ` on ${text(run.target) || 'the notebook'} — ${total} finding${total === 1 ? '' : 's'} `,
      counts,
      gate ? el('span', { class: `bumba-gate bumba-gate-${gate === 'fail' ? 'fail' : 'pass'}` }, `gate ${text(gate)}`) : null
    );
  }

  private _table(findings: IFinding[]): HTMLElement {
    const column = COLUMNS.find(c => c.key === this._sortKey) || COLUMNS[0];
    const order = findings.map((finding, index) => ({ finding, index }));
    order.sort((a, b) => column.compare(a.finding, b.finding) * (this._descending ? -1 : 1));

    const head = el('tr', {});
    for (const c of COLUMNS) {
      const sorted = c.key === this._sortKey;
      const button = el('button', { type: 'button', class: 'bumba-sort', 'data-column': c.key }, c.label,
        sorted ? (this._descending ? ' ▼' : ' ▲') : '');
      button.addEventListener('click', () => {
        this._descending = sorted ? !this._descending : false;
        this._sortKey = c.key;
        this._draw();
      });
      head.appendChild(el('th', { 'aria-sort': sorted ? (this._descending ? 'descending' : 'ascending') : 'none' }, button));
    }
    const body = el('tbody', {});
    for (const { finding, index } of order) {
      const row = el('tr', { class: 'bumba-row', 'data-rule': text(finding.rule), tabindex: '0' });
      for (const c of COLUMNS) {
        const cell = c.key === 'severity'
          ? severityBadge(text(finding.severity))
          : c.key === 'location'
            ? this._locationLink(finding)
            : c.key === 'title'
              ? el('span', {}, ...titleNodes(text(finding.title)))
              : c.value(finding);
        row.appendChild(el('td', { class: `bumba-col-${c.key}` }, cell));
      }
      const toggle = () => {
        if (this._open.has(index)) {
          this._open.delete(index);
        } else {
          this._open.add(index);
        }
        this._draw();
      };
      row.addEventListener('click', toggle);
      row.addEventListener('keydown', event => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          toggle();
        }
      });
      body.appendChild(row);
      if (this._open.has(index)) {
        const details = findingDetails(finding, {
          markdown: this._markdown, where: locationLabel(finding.location), goto: () => this._goto(finding),
          gotoLocation: location => this._gotoLocation(location)
        });
        body.appendChild(el('tr', { class: 'bumba-details-row' }, el('td', { colspan: String(COLUMNS.length) }, details)));
      }
    }
    return el('table', { class: 'bumba-table' }, el('thead', {}, head), body);
  }
}

export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [FINDINGS_MIME],
  createRenderer: options => new FindingsRenderer(options)
};

const extension: IRenderMime.IExtension = {
  id: 'bumba-magics:findings-renderer',
  description: 'Renders bumba findings (application/vnd.bumba.findings+json) as a sortable table.',
  rendererFactory,
  // before text/html (rank 50): the bundle carries both, and the table is the richer view
  rank: 10,
  dataType: 'json'
};

export default extension;
