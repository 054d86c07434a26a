"""Every change of a campaign: composition and lifecycle (``campaigns``), who receives it (``recipients``)."""
