"""Signals for the apps that follow complaints without the complaints app knowing them
(Open311 webhooks and forwarding, open-data alerts): imports go one way only."""

from django.dispatch import Signal

# Sent inside the transaction of every recorded event, with `complaint` and `event`.
# Receivers only queue work (outbox messages, tasks on commit): the change must not fail
# because of them.
event_recorded = Signal()

# Sent once per chainer run (complaints/announce.py) inside its transaction, with
# `submissions`: a list of (complaint, its first events) for the new complaints it announces.
# The same news as `event_recorded` for each of those events, given at once so that a
# receiver reads what it needs once per run, not once per complaint.
submissions_announced = Signal()
