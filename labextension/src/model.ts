// The finding and report shapes (bumba_magics/findings.py, report.py: Report.to_dict()) and small helpers
// shared by the sidebar and the renderer. Every string here may come from the code under review, so the
// DOM is only ever built with textContent and attributes, never with innerHTML.

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

/** `app/db.py:12` or `analysis.ipynb cell 3 (In [7]), line 2`, as the Python Location.label() says it. */
export function locationLabel(location: ILocation): string {
  const path = location.path || '<input>';
  if (location.cell !== null && location.cell !== undefined) {
    let cell = `cell ${location.cell}`;
    if (location.execution_count !== null && location.execution_count !== undefined) {
      cell += ` (In [${location.execution_count}])`;
    }
    const parts = [cell];
    if (location.line) {
      parts.push(`line ${location.line}`);
    }
    return `${path} ${parts.join(', ')}`;
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

/** The details of one finding: evidence, why, what to do, the fix, references. */
export function findingDetails(finding: IFinding): HTMLElement {
  const box = el('div', { class: 'bumba-details' });
  const section = (label: string, body: Node) =>
    box.appendChild(el('div', { class: 'bumba-detail' }, el('strong', {}, label), body));
  if (finding.evidence) {
    section('Evidence', el('pre', {}, finding.evidence));
  }
  if (finding.why) {
    section('Why it matters', el('p', {}, finding.why));
  }
  if (finding.recommendation) {
    section('What to do', el('p', {}, finding.recommendation));
  }
  if (finding.fix) {
    const fix = el('div', {}, el('p', {}, finding.fix.description));
    if (finding.fix.code) {
      fix.appendChild(el('pre', {}, finding.fix.code));
    }
    if (finding.fix.patch) {
      fix.appendChild(el('pre', {}, finding.fix.patch));
    }
    section('Fix', fix);
  }
  if (finding.references && finding.references.length) {
    const list = el('span', {});
    finding.references.forEach((reference, index) => {
      if (index) {
        list.appendChild(document.createTextNode(', '));
      }
      list.appendChild(referenceNode(reference));
    });
    section('References', list);
  }
  const meta = [finding.category, finding.analyzer, finding.engine].filter(Boolean).join(' · ');
  box.appendChild(el('div', { class: 'bumba-meta' }, meta));
  return box;
}
