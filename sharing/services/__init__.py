"""What can happen in sharing: its writes, one module per concept (issue 17 part 3).

- `requests`: receiving an inter-agency request, the refusals the law requires, and the
  3-step protocol of DGO I-12 section I (SH-1..SH-4, SH-6, SH-7).
- `packages`: SH-5 fulfilment: building the package of exactly the approved scope, and
  each download of it.

Who processes requests (`processor_authority`) and the reads a request covers
(`scope_reads`) are reads, in `sharing.selectors`; both services use them, and the
selectors import no service.

Nothing is re-exported here: import the concept's module (`from sharing.services.requests
import decide`), so a reader finds the code where the import says.
"""
