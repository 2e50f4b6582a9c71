-- A closed or merged pull request's delivery records that it removed the preview.
alter table webhook_deliveries drop constraint webhook_deliveries_outcome_check;
alter table webhook_deliveries add constraint webhook_deliveries_outcome_check
    check (outcome in ('received', 'deployed', 'removed', 'ignored', 'pong', 'failed'));
