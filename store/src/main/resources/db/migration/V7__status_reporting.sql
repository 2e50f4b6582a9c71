-- Reporting deployments back to the forge: which forge API (github, gitlab, bitbucket; null = infer from the host or the
-- webhooks received) and its base URL (null = the forge's public API; set for GitHub Enterprise or self-managed GitLab).
alter table repository_links add column forge text check (forge in ('github', 'gitlab', 'bitbucket'));
alter table repository_links add column status_api_url text;
