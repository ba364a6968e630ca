"""Trivsel: the standard trend model for one scale score, fitted with statsmodels (REML).

    score ~ round * treated + (1 | school) + (1 | school:group) + (1 | school:round)

Usage, from the folder of the export:  python trend_model.py [score variable] [respondent type]
e.g.  python trend_model.py e_score_konflikt pupil
Writes trend_estimates_python.csv with the same term names as the R script. statsmodels'
optimisers can stop early, so several are tried and the highest REML log-likelihood is kept.
"""

import sys
import warnings

import pandas as pd
import statsmodels.formula.api as smf

PREFIXES = {"pupil": "e", "parent": "f", "staff": "a"}
#: The labels a respondent type and the intervention arm carry, in Norwegian or English.
TYPE_LABELS = {
    "pupil": ("elev", "pupil"),
    "parent": ("foresatt", "parent"),
    "staff": ("ansatt", "staff"),
}
INTERVENTION = ("intervensjon", "intervention")
METHODS = ("lbfgs", "bfgs", "cg", "powell", "nm")


def load(outcome, respondent_type):
    data = pd.read_csv("data_wide.csv", low_memory=False)
    if outcome is None:
        prefix = PREFIXES[respondent_type] + "_score_"
        outcome = next(c for c in data.columns if c.startswith(prefix))
    rows = data["respondent_type"].isin(TYPE_LABELS[respondent_type]) & data[outcome].notna()
    frame = pd.DataFrame(
        {
            "score": data.loc[rows, outcome].astype(float),
            "round": data.loc[rows, "round"].astype(int),
            "treated": data.loc[rows, "arm"].isin(INTERVENTION).astype(int),
            "school": data.loc[rows, "school"].astype(str),
            "group": data.loc[rows, "group"].astype(str),
        }
    )
    return outcome, frame


def fit(frame, with_group):
    components = {"school_round": "0 + C(round)"}
    if with_group:
        components["group"] = "0 + C(group)"
    model = smf.mixedlm(
        "score ~ C(round) * treated",
        frame,
        groups="school",
        re_formula="1",
        vc_formula=components,
    )
    best = None
    for method in METHODS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = model.fit(reml=True, method=method, maxiter=2000)
            except (ValueError, ArithmeticError, RuntimeError, TypeError):
                continue
        if best is None or result.llf > best.llf + 1e-9:
            best = result
    if best is None:
        raise SystemExit("No optimiser could fit the model.")
    return best


def term_name(name):
    """statsmodels' names in R's spelling: C(round)[T.2]:treated -> round2:treated."""
    name = name.replace("Intercept", "(Intercept)")
    for part in name.split(":"):
        if part.startswith("C(round)[T."):
            name = name.replace(part, "round" + part[len("C(round)[T.") : -1])
    return name


def main(argv):
    outcome = argv[1] if len(argv) > 1 else None
    respondent_type = argv[2] if len(argv) > 2 else "pupil"
    outcome, frame = load(outcome, respondent_type)
    result = fit(frame, with_group=respondent_type == "pupil")
    print(result.summary())
    fixed = result.fe_params.index
    estimates = pd.DataFrame(
        {
            "term": [term_name(n) for n in fixed],
            "estimate": result.fe_params.to_numpy(),
            "std_error": result.bse_fe.to_numpy(),
        }
    )
    estimates.to_csv("trend_estimates_python.csv", index=False)
    print(f"\n{outcome}: REML log-likelihood {result.llf:.6f}, n = {len(frame)}")


if __name__ == "__main__":
    main(sys.argv)
