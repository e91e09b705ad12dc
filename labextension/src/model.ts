// The finding and report shapes (bumba_magics/findings.py, report.py: Report.to_dict()) and small helpers
// shared by the sidebar and the renderer. Every string here may come from the code under review, so the
// DOM is only ever built with textContent and attributes, never with innerHTML (Markdown goes through
// JupyterLab's sanitizer: richtext.ts).

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface ILocation {
  path?: string | null;
  line?: number | null;
  column?: number | null;
  end_line?: number | null;
  cell?: number | null;
  cell_id?: string | null;
  execution_count?: number | null;
}

export interface IFinding {
  rule: string;
  title: string;
  severity: Severity;
  category: string;
  location: ILocation;
  evidence?: string | null;
  why?: string | null;
  recommendation?: string | null;
  fix?: { description: string; code?: string | null; patch?: string | null } | null;
  engine?: string;
  analyzer?: string | null;
  references?: string[];
  fingerprint?: string | null;
  flow?: IFlowStep[] | null; // dataflow findings: from the source of the data to the sink
  also_reported?: string[] | null; // other rules' codes merged into this finding
}

/** One step of a dataflow finding's path (FlowStep in bumba_magics/core/findings.py). */
export interface IFlowStep {
  path?: string | null;
  line?: number | null;
  column?: number | null;
  cell?: number | null;
  code?: string | null;
  label: string;
}

export interface IReport {
  findings: IFinding[];
  summary: {
    total: number;
    by_severity: { [severity: string]: number };
    by_category: { [category: string]: number };
    gate?: string | null;
  };
  run: {
    id?: string | null;
    command: string;
    target: string;
    root?: string | null;
    engine?: string;
    started?: string;
    duration_s?: number;
    files?: number;
    fail_on?: string | null;
  };
  notes?: string[];
  narrative?: string;
  comparison?: { new: string[]; fixed: number | null };
}

export function severityRank(severity: string): number {
  const index = SEVERITIES.indexOf(severity as Severity);
  return index < 0 ? SEVERITIES.length : index; // 0 = critical
}

/** The path a cell review's findings carry: the cell body had no file of its own. */
export const CELL_BODY = '<cell>';

/**
 * `app/db.py:12` or `analysis.ipynb cell 3 (In [7]), line 2`, as the Python Location.label() says it;
 * `omitPath` drops the notebook's name where the reader knows it (the sidebar's target).
 * A cell review's location is the reviewed cell: `cell` there is `this cell` unless its number is given.
 */
export function locationLabel(location: ILocation, options: { omitPath?: boolean; cellNumber?: number | null } = {}): string {
  const path = location.path || '<input>';
  if (path === CELL_BODY) {
    const cell = options.cellNumber ? `cell ${options.cellNumber}` : 'this cell';
    return location.line ? `${cell}, line ${location.line}` : cell;
  }
  if (location.cell !== null && location.cell !== undefined) {
    let cell = `cell ${location.cell}`;
    if (location.execution_count !== null && location.execution_count !== undefined) {
      cell += ` (In [${location.execution_count}])`;
    }
    const parts = [cell];
    if (location.line) {
      parts.push(`line ${location.line}`);
    }
    return options.omitPath ? parts.join(', ') : `${path} ${parts.join(', ')}`;
  }
  return location.line ? `${path}:${location.line}` : path;
}

export function compareFindings(a: IFinding, b: IFinding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    (a.location.path || '').localeCompare(b.location.path || '') ||
    (a.location.cell || 0) - (b.location.cell || 0) ||
    (a.location.line || 0) - (b.location.line || 0) ||
    a.rule.localeCompare(b.rule)
  );
}

type Child = Node | string | null | undefined | false;

/** Create an element; string children become text nodes, so nothing is ever parsed as HTML. */
export function el(
  tag: string,
  attributes: { [name: string]: string } = {},
  ...children: Child[]
): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/**
 * A one-line title with its `code` spans as <code>: titles (ruff's among them) quote names in backticks. A
 * Markdown parser per table row would be heavy for that one construct, so it is split here, as text.
 */
export function titleNodes(title: string): Node[] {
  return title.split(/(`[^`]+`)/).filter(Boolean).map(part =>
    part.length > 2 && part.startsWith('`') && part.endsWith('`')
      ? el('code', {}, part.slice(1, -1))
      : document.createTextNode(part));
}

export function severityBadge(severity: string, text?: string): HTMLElement {
  const known = SEVERITIES.includes(severity as Severity) ? severity : 'info';
  return el('span', { class: `bumba-badge bumba-sev-${known}` }, text ?? severity);
}

/** A link only for http(s) URLs; a CWE id becomes its MITRE page; anything else stays text. */
export function referenceNode(reference: string): Node {
  const cwe = /^CWE-(\d+)$/i.exec(reference);
  const href = cwe
    ? `https://cwe.mitre.org/data/definitions/${cwe[1]}.html`
    : /^https?:\/\//i.test(reference)
      ? reference
      : null;
  if (!href) {
    return document.createTextNode(reference);
  }
  return el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, reference);
}

/**
 * What the findings renderer sends when a location link is clicked (a DOM event that bubbles from the
 * output): the plugin, which knows the notebook around the output and the server root, goes there.
 */
export const GOTO_EVENT = 'bumba-goto';

export interface IGotoRequest {
  location: ILocation;
  root: string | null; // the report's root: the findings' paths are relative to it
}
