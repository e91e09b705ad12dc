"""What writes files for the user to keep: API reference pages (docs-technical) and deployment drafts
(publish). Each reads the project's syntax tree and configuration through the confinement, never runs it."""
