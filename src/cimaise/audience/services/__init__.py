"""Every change of the audience's data: one module per concern (contacts, consent, subscriptions, suppression...)."""
