-- An incremental reconcile looks up one person's grants across every
-- integration by their account names.
CREATE INDEX managed_by_account ON managed (account, integration, entitlement);
