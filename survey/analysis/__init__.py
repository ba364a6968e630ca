"""Analysis: fit the models on a project's answers and keep the results for the dashboards."""
