"""Responses and answers: the writes both respondent flows (tablet and link) share."""
