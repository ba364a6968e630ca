"""Goals: a construct, a respondent type, a target, and the round it is due."""
