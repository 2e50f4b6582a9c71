-- How often a deployment caught mid-way by a platform crash was resumed: once is recovery, twice is a crash loop.
alter table deployments add column resumes int not null default 0;
