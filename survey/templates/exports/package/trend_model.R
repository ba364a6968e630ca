# Trivsel: the standard trend model for one scale score, fitted with lme4 (REML).
#
#   score ~ round * treated + (1 | school) + (1 | school:group) + (1 | school:round)
#
# Usage, from the folder of the export:  Rscript trend_model.R [score variable] [respondent type]
# e.g.  Rscript trend_model.R e_score_konflikt pupil
# Writes trend_estimates_R.csv (fixed effects) and trend_variances_R.csv (variance components).

suppressPackageStartupMessages({
  library(haven)
  library(lme4)
})

args <- commandArgs(trailingOnly = TRUE)
respondent_type <- if (length(args) >= 2) args[2] else "pupil"
type_codes <- c(pupil = 1, parent = 2, staff = 3)
prefixes <- c(pupil = "e", parent = "f", staff = "a")

# user_na = FALSE: "I don't want to answer" (declared missing) becomes NA.
data <- read_sav("data_wide.sav", user_na = FALSE)
outcome <- if (length(args) >= 1) args[1] else
  grep(paste0("^", prefixes[[respondent_type]], "_score_"), names(data), value = TRUE)[1]

rows <- as.numeric(data$respondent_type) == type_codes[[respondent_type]] &
  !is.na(data[[outcome]])
d <- data.frame(
  score = as.numeric(data[[outcome]][rows]),
  round = factor(as.numeric(data$round[rows])),
  treated = as.integer(as.numeric(data$arm[rows]) == 1),
  school = factor(as.numeric(data$school[rows])),
  group = factor(as.numeric(data$group[rows]))
)

formula <- if (respondent_type == "pupil") {
  score ~ round * treated + (1 | school) + (1 | school:group) + (1 | school:round)
} else {
  score ~ round * treated + (1 | school) + (1 | school:round)
}
fit <- lmer(formula, data = d, REML = TRUE)
print(summary(fit))

estimates <- coef(summary(fit))
write.csv(
  data.frame(term = rownames(estimates), estimate = estimates[, 1], std_error = estimates[, 2]),
  "trend_estimates_R.csv",
  row.names = FALSE
)
variances <- as.data.frame(VarCorr(fit))
write.csv(
  data.frame(term = variances$grp, variance = variances$vcov),
  "trend_variances_R.csv",
  row.names = FALSE
)
cat(sprintf("\nREML criterion: %.6f  n = %d\n", REMLcrit(fit), nrow(d)))
