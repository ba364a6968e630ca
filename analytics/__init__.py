"""Pure statistics over pandas DataFrames: no Flask, no SQLAlchemy, usable in a notebook.

- `scoring.score_constructs`: scale scores from a tidy answer frame (one row per response x item);
- `reliability.reliability`: Cronbach's alpha and McDonald's omega per construct and round;
- `descriptives.describe`: n, mean and SD per round, arm, school and group, suppressed;
- `trend.fit_trend`: the standard trend model (REML, lme4's likelihood, Satterthwaite df, or
  Kenward-Roger with `df_method="kenward_roger"`), returning a `TrendResult` with `summary()`
  and `to_dict()`;
- `goals.track_goal`: a goal's status and the Norwegian sentence that explains it;
- `power`: minimum detectable effects;
- `simulation`: the demo-data simulator with its documented truth.
"""
