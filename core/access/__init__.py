"""Who may do what: the policy, the stored rules, accounts, units and the audit trail."""
