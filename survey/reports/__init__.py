"""The school report ("rapport til rektor"): one PDF per school and closed round, made from
the published snapshot only."""
