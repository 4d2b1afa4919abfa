"""Reads of searches: the one access helper for a search record (Q-2), 404 to anyone
but the member who ran it."""

from __future__ import annotations

from django.http import Http404

from alpr.models import Search
from training.gate import refuse_unless_operator


def search_for_user(*, user, pk) -> Search:
    refuse_unless_operator(user)  # ID-2, ID-4: the gate holds off the web too
    search = Search.objects.filter(pk=pk, user=user).first()
    if search is None:
        raise Http404
    return search
