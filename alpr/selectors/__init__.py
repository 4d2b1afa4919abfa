"""What alpr shows: its reads, one module per concept, each scoped to what the user may
see (issue 17 part 3). The writes are in alpr.services.

- `reads`: the reads a search returns, a read opened by id or from a search (Q-5), the
  covert exclusion (HT-4).
- `hits`: the hits a user may see, the officers' alert feed, covert hits (HT-1, HT-4).
- `searches`: a search record, for the member who ran it (Q-2).
- `retention`: who approves a hold (RT-2), the holds a member may open, the sharing
  requests a hold may name, what the purge may delete (RT-1), the holds awaiting
  approval (the dashboard count).

One access helper per model (`read_for_user`, `hit_for_user`, `search_for_user`)
answers 404 to anyone outside. Nothing is re-exported here: import the concept's module.
"""
