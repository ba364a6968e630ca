"""The parent and staff link flow: `/s/<token>`, a language, a construct per page, submit.

How partial answers are kept without anyone but the respondent reading them
---------------------------------------------------------------------------
Until a link is submitted, its answers live in a `LinkDraft` row per device, sealed (AES-GCM)
with a key derived from a random device key that only the respondent's browser holds, in an
HttpOnly, SameSite=Lax cookie scoped to the link's own path (`sealing.py`). Whoever holds
only the link, the database or a backup sees ciphertext; another device starts afresh. Nothing
is written to `response` or `answer` while the respondent is still answering, and drafts of a
round are deleted when the round closes.

How a response is kept apart from its link
------------------------------------------
Submitting marks the link used (a conditional UPDATE, which also stops a second, concurrent
submit) and puts the answers, sealed, into a mixing pool with a random id, in one transaction.
A job, and the round's close, release the pool in other transactions, in random order, in
batches of at least the project's `min_group_size` that share every column a response carries
(`pool.py`). From then on the database holds a used link, and an anonymous response written
with its batch; no column, id, order, date or transaction id joins the two.
"""
