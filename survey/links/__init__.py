"""The parent and staff link flow: `/s/<token>`, a language, a construct per page, submit.

How partial answers are kept without tying a response to its token
-------------------------------------------------------------------
Until a link is submitted, its answers live in one `LinkDraft` row keyed by the link's access
code (whose only identifying column is the keyed hash of the token). Nothing is written to
`response` or `answer` while the parent is still answering, so a parent who never submits
leaves no response behind; drafts of a round are deleted when the round closes.

Submitting is one transaction: a conditional UPDATE marks the access code used (only if it is
still unused, which is what stops a second, concurrent submit), a new `Response` with a random
client id is written through the shared answer path (`survey.responses.operations`), and the
draft is deleted. From then on the database holds a used token with a date, and an anonymous
response with a date; no column, row or id joins the two.
"""
